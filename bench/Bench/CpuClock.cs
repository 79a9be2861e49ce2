using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>
/// User plus system CPU time of this process (the variant under test, nothing else of substance runs here) and of
/// the broker's process. Taken at both ends of a phase; the difference over the records gives CPU time per record,
/// which, unlike records per second, carries from one machine to another of similar cores.
/// </summary>
internal sealed class CpuClock(Func<TimeSpan?> brokerCpu)
{
    public CpuTimes Read()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuTimes(self.TotalProcessorTime, brokerCpu(), Stopwatch.GetTimestamp());
    }
}
