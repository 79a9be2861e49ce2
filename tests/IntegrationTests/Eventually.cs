namespace HeaterOrleans.IntegrationTests;

/// <summary>Waits for an outcome of asynchronous processing, failing with a description when it never comes.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var (value, ok) = await Until(probe, done, timeout);
        if (!ok)
        {
            Assert.Fail($"Timed out after {timeout} waiting for {what}; last value: {value}");
        }

        return value;
    }

    /// <summary>Like <see cref="Get{T}"/> but without failing: the last value and whether it was done, for tests that explain a failure first.</summary>
    public static async Task<(T Value, bool Done)> Until<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = probe();
            if (done(value))
            {
                return (value, true);
            }

            if (DateTime.UtcNow > deadline)
            {
                return (value, false);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Calls <paramref name="action"/> until it succeeds, as the ingress retries a record: a broker just set up again
    /// may take a while (a busy machine, a reconnect backoff) before it takes a record.
    /// </summary>
    public static async Task Succeeds(Func<Task> action, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (Exception e)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what}; last error: {e}");
            }
        }
    }

    public static Task True(Func<bool> condition, TimeSpan timeout, string what) =>
        Get(condition, ok => ok, timeout, what);
}
