namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// One partition's end offset sampled over time, so that "older than the retention window" becomes an offset:
/// every record below the end offset seen a window ago was written before that moment. Samples older than the
/// newest one past the window are dropped, so it holds about window / interval samples.
/// </summary>
internal sealed class HighWatermarkHistory(TimeSpan retention)
{
    private readonly Queue<(long At, long High)> _samples = new();

    /// <summary>Records the end offset seen at <paramref name="at"/> (milliseconds of a monotonic clock).</summary>
    public void Add(long at, long high)
    {
        _samples.Enqueue((at, high));
        var cutoff = at - (long)retention.TotalMilliseconds;
        // Keep the newest sample at or before the cutoff: it is the bound.
        while (_samples.Count > 1 && ElementAt(1).At <= cutoff)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Records below this offset are older than the window at <paramref name="now"/>; 0 when none is known to be.</summary>
    public long OlderThanWindow(long now) =>
        _samples.TryPeek(out var oldest) && oldest.At <= now - (long)retention.TotalMilliseconds ? oldest.High : 0;

    private (long At, long High) ElementAt(int index) => _samples.ElementAt(index);
}
