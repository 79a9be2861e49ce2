namespace HeaterOrleans.Bench;

/// <summary>Wall time and CPU time a phase took for its records.</summary>
/// <param name="StateWrites">Sensor state writes the service completed in the phase (null: a variant without grain state).</param>
/// <param name="GaveUp">Why the meter stopped before the last record (null: it got there); the figures cover the part before.</param>
public sealed record PhaseCost(double Seconds, double CpuSeconds, double? BrokerCpuSeconds, long Records, long? StateWrites = null, string? GaveUp = null)
{
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    public double CpuMicrosPerRecord => Records > 0 ? CpuSeconds * 1e6 / Records : 0;

    public double? BrokerCpuMicrosPerRecord => Records > 0 ? BrokerCpuSeconds * 1e6 / Records : null;

    /// <summary>Cores kept busy on average (1.0 = one core all the time).</summary>
    public double CoresBusy => Seconds > 0 ? CpuSeconds / Seconds : 0;

    public double? StateWritesPerSecond => Seconds > 0 ? StateWrites / Seconds : null;
}
