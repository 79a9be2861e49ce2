namespace HeaterOrleans.Bench;

/// <summary>Percentiles of a latency sample, milliseconds.</summary>
public sealed record LatencyStats(int Samples, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencyStats Of(IEnumerable<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        return new LatencyStats(
            sorted.Count, Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99), Percentiles.Of(sorted, 99.9),
            sorted.Count == 0 ? double.NaN : sorted[^1]);
    }
}
