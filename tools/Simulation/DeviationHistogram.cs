namespace HeaterOrleans.Simulation;

/// <summary>
/// Settled time by true temperature minus desired, in fixed bins; readings come once per simulated second,
/// so counts are seconds. The ends collect everything beyond them.
/// </summary>
public sealed class DeviationHistogram
{
    public const double BinWidth = 0.02;
    public const double Limit = 1.5;

    public long[] Counts { get; } = new long[(int)Math.Round(2 * Limit / BinWidth)];

    /// <summary>Centre of bin <paramref name="bin"/>, °C from desired.</summary>
    public static double Centre(int bin) => -Limit + ((bin + 0.5) * BinWidth);

    public void Add(double deviation) =>
        Counts[Math.Clamp((int)Math.Floor((deviation + Limit) / BinWidth), 0, Counts.Length - 1)]++;
}
