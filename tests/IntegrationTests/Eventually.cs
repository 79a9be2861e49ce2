namespace HeaterOrleans.IntegrationTests;

/// <summary>Waits for an outcome of asynchronous processing, failing with a description when it never comes.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }

    public static Task True(Func<bool> condition, TimeSpan timeout, string what) =>
        Get(condition, ok => ok, timeout, what);
}
