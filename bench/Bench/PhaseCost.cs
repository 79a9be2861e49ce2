namespace HeaterOrleans.Bench;

/// <summary>Wall time and CPU time a phase took for its records.</summary>
public sealed record PhaseCost(double Seconds, double CpuSeconds, double? BrokerCpuSeconds, long Records)
{
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    public double CpuMicrosPerRecord => Records > 0 ? CpuSeconds * 1e6 / Records : 0;

    public double? BrokerCpuMicrosPerRecord => Records > 0 ? BrokerCpuSeconds * 1e6 / Records : null;

    /// <summary>Cores kept busy on average (1.0 = one core all the time).</summary>
    public double CoresBusy => Seconds > 0 ? CpuSeconds / Seconds : 0;
}
