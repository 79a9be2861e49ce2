using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>CPU times at one instant (see <see cref="CpuClock"/>); the broker's is null when it is not ours to read.</summary>
internal readonly record struct CpuTimes(TimeSpan Self, TimeSpan? Broker, long Timestamp)
{
    public PhaseCost Since(CpuTimes start, long records) => new(
        Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds,
        (Self - start.Self).TotalSeconds,
        Broker is { } b && start.Broker is { } a ? (b - a).TotalSeconds : null,
        records);
}
