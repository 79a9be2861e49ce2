using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>
/// User plus system CPU time of this process (the variant under test, nothing else of substance runs here) and of
/// the broker's process. Taken at both ends of a phase; the difference over the records gives CPU time per record,
/// which, unlike records per second, carries from one machine to another of similar cores.
/// </summary>
/// <param name="measuredCpu">The variant's CPU when it runs elsewhere (silo processes); default: this process's.</param>
internal sealed class CpuClock(Func<TimeSpan?> brokerCpu, Func<TimeSpan>? measuredCpu = null)
{
    public CpuTimes Read()
    {
        if (measuredCpu is not null)
        {
            return new CpuTimes(measuredCpu(), brokerCpu(), Stopwatch.GetTimestamp());
        }

        using var self = Process.GetCurrentProcess();
        return new CpuTimes(self.TotalProcessorTime, brokerCpu(), Stopwatch.GetTimestamp());
    }
}
