namespace HeaterOrleans.IntegrationTests;

/// <summary>The share of ingress grain calls that stayed on the silo that consumed the record, over some traffic.</summary>
public static class GrainLocality
{
    /// <summary>
    /// Runs <paramref name="traffic"/> (which must wait until it is processed) and asserts that at least 99 % of the
    /// grain calls it caused on <paramref name="silos"/> were local, and that there were at least
    /// <paramref name="minimumCalls"/>. Returns the counts.
    /// </summary>
    public static async Task<(long Local, long Remote)> AssertLocalAsync(string step, Func<Task> traffic, long minimumCalls, params ChildProcess[] silos)
    {
        var before = await Task.WhenAll(silos.Select(s => s.GrainCallsAsync()));
        await traffic();
        // The scrape endpoint caches its answer for a moment, and a call counts once it returns: read until they show.
        var (local, remote) = (0L, 0L);
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); local + remote < minimumCalls && clock.Elapsed < TimeSpan.FromSeconds(30);)
        {
            await Task.Delay(500);
            var after = await Task.WhenAll(silos.Select(s => s.GrainCallsAsync()));
            (local, remote) = (after.Zip(before, (a, b) => a.Local - b.Local).Sum(), after.Zip(before, (a, b) => a.Remote - b.Remote).Sum());
        }

        Assert.True(local + remote >= minimumCalls, $"{step}: only {local + remote} grain calls counted");
        Assert.True(local >= 0.99 * (local + remote), $"{step}: {remote} of {local + remote} grain calls were remote");
        return (local, remote);
    }
}
