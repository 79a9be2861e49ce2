using System.Diagnostics;
using System.Globalization;

namespace HeaterOrleans.Bench;

/// <summary>
/// Times a variant through the pre-produced records by polling its processed count: wall and CPU time from the first
/// record processed to the last (start-up, JIT of the start path and the group join fall outside).
/// </summary>
internal static class ThroughputMeter
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <param name="processed">Records processed so far by the variant (0 until it starts).</param>
    /// <param name="finished">
    /// When given, the phase also waits for it (the baseline's final flush and commit). Its loop cannot be stopped from
    /// here, so a stall then throws; without it, a stalled variant is given up on with a note and its phase goes on.
    /// </param>
    /// <param name="stateWrites">The service's state writes so far, counted over the same interval.</param>
    /// <param name="firstRecord">
    /// The clock read by the variant itself as it took its first record (null until then). A variant this fast can go
    /// from none to all between two polls, which left nothing to measure; the whole phase then counts from here.
    /// </param>
    public static async Task<PhaseCost> MeasureAsync(
        string variant, Func<long> processed, long records, CpuClock cpu, Task? finished = null, Func<long>? stateWrites = null,
        Func<CpuTimes?>? firstRecord = null, CancellationToken cancellationToken = default)
    {
        // Only if the variant went from none to all between two polls: then its start-up counts in, rather than no figure.
        var (entry, writesAtEntry) = (cpu.Read(), stateWrites?.Invoke());
        CpuTimes? start = null;
        var startedAt = 0L;
        long? writesAtStart = null;
        var last = 0L;
        var lastMove = Stopwatch.StartNew();
        while (processed() < records || finished is { IsCompleted: false })
        {
            if (finished is { IsFaulted: true })
            {
                await finished;
            }

            var now = processed();
            if (start is null && firstRecord?.Invoke() is { } first)
            {
                (start, startedAt, writesAtStart) = (first, 0, stateWrites?.Invoke());
            }
            else if (start is null && now > 0)
            {
                // What it did before it was first seen (the peer's counts appear only once its start returns) is left out.
                (start, startedAt, writesAtStart) = (cpu.Read(), now, stateWrites?.Invoke());
            }

            if (now != last)
            {
                (last, lastMove) = (now, Stopwatch.StartNew());
            }
            else if (lastMove.Elapsed > StallLimit)
            {
                var stall = string.Create(
                    CultureInfo.InvariantCulture, $"no progress for {StallLimit.TotalSeconds:F0} s at {now:N0} of {records:N0} records");
                if (finished is not null)
                {
                    throw new TimeoutException($"{variant}: {stall}.");
                }

                return Cost(start, startedAt, now, writesAtStart) with { GaveUp = $"gave up: {stall}; figures up to then, the stall included" };
            }

            await Task.Delay(10, cancellationToken);
        }

        if (start is null)
        {
            (start, writesAtStart) = (firstRecord?.Invoke() ?? entry, writesAtEntry);
        }

        return Cost(start, startedAt, records, writesAtStart);

        PhaseCost Cost(CpuTimes? from, long fromRecord, long toRecord, long? fromWrites)
        {
            var end = cpu.Read();
            return end.Since(from ?? end, toRecord - fromRecord) with { StateWrites = stateWrites?.Invoke() - fromWrites };
        }
    }
}
