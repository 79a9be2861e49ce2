using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>
/// Times a variant through the pre-produced records by polling its processed count: wall and CPU time from the first
/// record processed to the last (start-up, JIT of the start path and the group join fall outside).
/// </summary>
internal static class ThroughputMeter
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <param name="processed">Records processed so far by the variant (0 until it starts).</param>
    /// <param name="finished">When given, the phase also waits for it (the baseline's final flush and commit).</param>
    public static async Task<PhaseCost> MeasureAsync(
        string variant, Func<long> processed, long records, CpuClock cpu, Task? finished = null, CancellationToken cancellationToken = default)
    {
        CpuTimes? start = null;
        var startedAt = 0L;
        var last = 0L;
        var lastMove = Stopwatch.StartNew();
        while (processed() < records || finished is { IsCompleted: false })
        {
            if (finished is { IsFaulted: true })
            {
                await finished;
            }

            var now = processed();
            if (start is null && now > 0)
            {
                // What it did before it was first seen (the peer's counts appear only once its start returns) is left out.
                (start, startedAt) = (cpu.Read(), now);
            }

            if (now != last)
            {
                (last, lastMove) = (now, Stopwatch.StartNew());
            }
            else if (lastMove.Elapsed > StallLimit)
            {
                throw new TimeoutException($"{variant}: no progress for {StallLimit.TotalSeconds:F0} s at {now:N0} of {records:N0} records.");
            }

            await Task.Delay(10, cancellationToken);
        }

        return cpu.Read().Since(start ?? cpu.Read(), records - startedAt);
    }
}
