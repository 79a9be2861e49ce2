using System.Diagnostics;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Bench;

/// <summary>Activates sensors (through their settings) up to a target and measures memory per sensor above the idle service.</summary>
internal sealed class MemoryMeter(ServiceVariant service, WorkloadWriter writer, long activeElsewhere)
{
    private const int FirstSensor = 10_000_000;
    private int _next = FirstSensor;

    /// <summary>Sensor grains active in this service (the count is per process; silos of earlier phases may have left some).</summary>
    private long Active => GrainMetrics.Active - activeElsewhere;

    public async Task<MemoryPoint> MeasureAsync(int target)
    {
        var (idleManaged, idleRss, idleActive) = Measure();
        // In chunks: the embedded broker keeps only about 5 MiB per partition.
        while (Active < target)
        {
            var chunk = (int)Math.Min(50_000, target - Active);
            var first = _next;
            await Settle.SettingsAsync(service, () => writer.Settings(service.Topics.Settings, first, chunk), chunk);
            _next += chunk;
        }

        var (managed, rss, active) = Measure();
        var added = Math.Max(1, active - idleActive);
        return new MemoryPoint((int)active, managed, rss, (double)(managed - idleManaged) / added, (double)(rss - idleRss) / added);
    }

    private (long Managed, long Rss, long Active) Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64, Active);
    }
}
