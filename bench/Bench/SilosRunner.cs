using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace HeaterOrleans.Bench;

/// <summary>
/// The silos phase: the service as silo processes on PostgreSQL (membership needs it), the same readings through 1
/// silo and through <c>--Silos</c>, with placement by partition and with Orleans' own. Settings go first, once the
/// group is stable, so that every grain is placed and activated before the readings; the readings are produced while
/// the silos run (they cannot be held back from a running group), and the measure is the backlog left when the
/// production ended: from then to the last reading, with no producer on the cores. The measure repeats until the
/// silos' JIT was quiet during one, and that one counts. Progress is polled from the silos' <c>/metrics</c>, about
/// once a second (every 100 ms near the end): those scrapes are in the silos' CPU.
/// </summary>
internal sealed class SilosRunner(BenchOptions options, Action<string> progress)
{
    /// <summary>
    /// Readings per measure at most, the default <c>--Readings</c>: about 10 s through 1 warm silo process at the
    /// ~90,000 readings/s it reached on 2 cores, less through 3, of which the production overlaps a part (the backlog
    /// measured was 0.5–0.9 of them); more would lengthen a phase that runs three times, each up to
    /// <see cref="MaxMeasures"/> measures.
    /// </summary>
    public const int MaxReadings = 1_000_000;

    /// <summary>For a group of silo processes to start and settle on its partitions.</summary>
    internal static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);

    /// <summary>For every sensor's setting to be applied.</summary>
    internal static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SteadyWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A measure in which each silo compiled at most this many methods is the last: a warm silo still compiles a few
    /// dozen (timers, rare paths), a cold one hundreds to thousands.
    /// </summary>
    internal const int QuietJitMethods = 100;
    internal const int MaxMeasures = 6;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public int Readings => Math.Min(options.Readings, MaxReadings);

    /// <summary>Readings each run processes before the measured ones, a fifth as many.</summary>
    public int WarmupReadings => Readings / 5;

    /// <param name="cluster">Orleans' cluster and service id of the run.</param>
    public async Task<SilosRun> RunAsync(PhaseKafka kafka, string database, string cluster, int count, bool byPartition)
    {
        var phase = kafka.Topics.Phase;
        progress(string.Create(C, $"{phase}: {count} silo process(es), {(byPartition ? "placement by partition" : "Orleans' placement")}, on PostgreSQL"));
        using var silos = SiloGroup.Start(options, kafka, database, cluster, count, byPartition);
        await silos.WaitStableAsync([kafka.Topics.Readings, kafka.Topics.Settings], options.Partitions, StartLimit);
        var holding = silos.Holding(kafka.Topics.Readings);

        progress(string.Create(C, $"{phase}: group stable, readings partitions per silo {string.Join(" + ", holding)}; {options.Sensors:N0} settings"));
        using var writer = new WorkloadWriter(kafka.BootstrapServers);
        writer.Settings(kafka.Topics.Settings, 1, options.Sensors);
        var settled = await WaitAsync(silos, m => m.Settings >= options.Sensors, SettleLimit, $"{options.Sensors:N0} settings applied");

        // Each silo process compiles the hot path itself: tiered JIT with dynamic PGO recompiles a method once it is
        // hot, on one background thread per process. N processes on shared cores each get 1/N of the readings and of
        // the CPU, so their JIT goes quiet later, and a backlog's full fetches take paths a trickle does not: after one
        // warm-up of 200,000 readings, 3 silos' JIT threads were ~20 % of all CPU while measured (perf), 1 silo's ~3 %.
        // So the measure repeats until the silos' JIT is quiet during it, and the last one counts: the steady cost per
        // reading, not N processes' start-up.
        progress(string.Create(C, $"{phase}: warming up with {WarmupReadings:N0} readings"));
        await Task.Run(() => writer.Readings(kafka.Topics.Readings, options.Sensors, WarmupReadings, seed: 11));
        settled = await WaitAsync(silos, m => m.Readings >= settled.Readings + WarmupReadings, SettleLimit, $"{WarmupReadings:N0} warm-up readings processed");

        SilosRun run;
        var measures = 0;
        do
        {
            (run, settled) = await MeasureAsync(silos, writer, kafka, settled, byPartition, holding, measure: ++measures);
            progress(string.Create(C,
                $"{phase}: measure {run.Measures}: {run.Cost.RecordsPerSecond:N0} readings/s, {run.Cost.CpuMicrosPerRecord:F1} µs CPU per reading (silos), {run.JitMethods:N0} methods compiled per silo"));
        }
        while (run.JitMethods > QuietJitMethods && measures < MaxMeasures);

        var idleCores = await IdleCoresAsync(silos);
        run = run with { IdleCores = idleCores };
        progress(string.Create(C,
            $"{phase}: {run.Cost.RecordsPerSecond:N0} readings/s, {run.Cost.CpuMicrosPerRecord:F1} µs CPU per reading (silos), {run.LoadMicrosPerRecord:F1} µs above the idle {idleCores:F2} cores, {run.LocalShare:P1} of grain calls local ({run.SteadyLocalShare:P1} in the last 5 s)"));
        return run;
    }

    /// <summary>
    /// One measure: <see cref="Readings"/> produced to the running silos, then the backlog left when the production
    /// ended processed to the last reading.
    /// </summary>
    /// <param name="settled">The silos' counters once everything before was processed.</param>
    /// <param name="measure">The measure's number, from 1; also its readings' seed.</param>
    /// <returns>The run as measured (its idle cost not yet taken), and the silos' counters at its end.</returns>
    private async Task<(SilosRun Run, SiloMetrics End)> MeasureAsync(
        SiloGroup silos, WorkloadWriter writer, PhaseKafka kafka, SiloMetrics settled, bool byPartition, IReadOnlyList<int> holding, int measure)
    {
        await Task.Run(() => writer.Readings(kafka.Topics.Readings, options.Sensors, Readings, seed: measure));
        var clock = new CpuClock(() => kafka.Broker.CpuTime, () => silos.CpuTime);
        var atStart = await silos.ScrapeAsync();
        var (start, eachAtStart) = (clock.Read(), silos.CpuTimes);
        var target = settled.Readings + Readings;
        List<(long Timestamp, SiloMetrics Metrics)> samples = [(start.Timestamp, atStart)];
        var now = atStart;
        var lastMove = Stopwatch.StartNew();
        while (now.Readings < target)
        {
            var seconds = Stopwatch.GetElapsedTime(start.Timestamp).TotalSeconds;
            var rate = seconds > 0 ? (now.Readings - atStart.Readings) / seconds : 0;
            // Often while the rate is unknown and near the end, which a poll bounds; else once a second.
            await Task.Delay(rate == 0 || target - now.Readings < rate * 2 ? 100 : 1000);
            var next = await silos.ScrapeAsync();
            samples.Add((Stopwatch.GetTimestamp(), next));
            if (next.Readings != now.Readings)
            {
                lastMove.Restart();
            }
            else if (lastMove.Elapsed > StallLimit)
            {
                throw new TimeoutException(string.Create(
                    C, $"no progress for {StallLimit.TotalSeconds:F0} s at {next.Readings - settled.Readings:N0} of {Readings:N0} readings."));
            }

            now = next;
        }

        var (end, eachAtEnd) = (clock.Read(), silos.CpuTimes);
        var calls = now - atStart;
        // The last 5 s: from the latest sample at least that old; the whole measure when it was shorter.
        var from = Math.Max(0, samples.FindLastIndex(s => Stopwatch.GetElapsedTime(s.Timestamp, end.Timestamp) >= SteadyWindow));
        var steady = now - samples[from].Metrics;
        var run = new SilosRun(
            kafka.Topics.Phase, eachAtEnd.Count, byPartition, Readings, target - atStart.Readings, end.Since(start, now.Readings - atStart.Readings),
            calls.LocalCalls, calls.RemoteCalls, steady.LocalCalls, steady.RemoteCalls, holding,
            eachAtEnd.Zip(eachAtStart, (b, a) => (b - a).TotalSeconds).ToList(), IdleCores: 0, measure, calls.JitMethods / eachAtEnd.Count);
        return (run, now);
    }

    /// <summary>
    /// The group's CPU over <see cref="IdleWindow"/> with no readings coming: runtimes, timers, and librdkafka's broker
    /// threads, which the embedded broker wakes every fetch wait since it does not long-poll. Each process pays it.
    /// </summary>
    private static async Task<double> IdleCoresAsync(SiloGroup silos)
    {
        // Let the last measure's tail (commits, the JIT's background recompiles, collections) pass first.
        await Task.Delay(IdleSettle);
        var (cpu, clock) = (silos.CpuTime, Stopwatch.StartNew());
        await Task.Delay(IdleWindow);
        return (silos.CpuTime - cpu).TotalSeconds / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Polls the silos' counters until <paramref name="done"/>; returns them then.</summary>
    internal static async Task<SiloMetrics> WaitAsync(SiloGroup silos, Func<SiloMetrics, bool> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var metrics = await silos.ScrapeAsync();
            if (done(metrics))
            {
                return metrics;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException(string.Create(C, $"not {what} within {limit.TotalSeconds:F0} s ({metrics.Settings:N0} settings processed)."));
            }

            await Task.Delay(200);
        }
    }
}
