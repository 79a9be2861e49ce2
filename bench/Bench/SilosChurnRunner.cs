using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace HeaterOrleans.Bench;

/// <summary>
/// The churn run: <c>--Silos</c> silo processes with placement by partition, readings offered at <see cref="Rate"/>
/// from a producer process; after a steady stretch one silo is added, and later one is killed (SIGKILL). Every 250 ms
/// the silos' counters give the share of grain calls that stayed local and the readings processed, so the report
/// tells how long after each change the calls were local again, and how much of that was the rebalance itself.
/// </summary>
internal sealed class SilosChurnRunner(BenchOptions options, Action<string> progress)
{
    /// <summary>Readings per second offered throughout: enough calls per window to judge 99 %, little CPU.</summary>
    public const int Rate = 2_000;

    private const double LocalTarget = 0.99;
    private const int MinCallsPerWindow = 20;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public async Task<SilosChurn> RunAsync(PhaseKafka kafka, string database, string cluster)
    {
        var phase = kafka.Topics.Phase;
        var observe = TimeSpan.FromSeconds(options.ChurnSeconds);
        progress(string.Create(C, $"{phase}: {options.Silos} silo processes by partition, readings at {Rate:N0}/s; one added, then one killed, {observe.TotalSeconds:F0} s observed after each"));
        using var silos = SiloGroup.Start(options, kafka, database, cluster, options.Silos, byPartition: true);
        await silos.WaitStableAsync([kafka.Topics.Readings, kafka.Topics.Settings], options.Partitions, SilosRunner.StartLimit);
        using (var writer = new WorkloadWriter(kafka.BootstrapServers))
        {
            writer.Settings(kafka.Topics.Settings, 1, options.Sensors);
        }

        await SilosRunner.WaitAsync(silos, m => m.Settings >= options.Sensors, SilosRunner.SettleLimit, $"{options.Sensors:N0} settings applied");
        // Longer than the run can take (a silo's start-up comes on top of the observed spans); disposed when done.
        var seconds = (int)(observe.TotalSeconds * 3) + 60;
        using var producer = ProducerProcess.Start(
            kafka.BootstrapServers, kafka.Topics.Readings, Rate, warmupSeconds: 2, seconds, options.Sensors, firstSensor: 1,
            Path.Combine(options.Output, $"producer-{phase}.log"));
        await producer.WarmedUpAsync();

        var watch = new Watch(silos, Stopwatch.StartNew());
        await watch.ObserveAsync(observe / 2);

        var added = watch.Now;
        silos.Add();
        await watch.ObserveAsync(observe);
        var addedEvent = watch.Summarize("silo added", added);
        progress(Describe(phase, addedEvent));

        var killed = watch.Now;
        silos.Kill(0);
        await watch.ObserveAsync(observe);
        var killedEvent = watch.Summarize("silo killed", killed);
        progress(Describe(phase, killedEvent));
        await watch.WriteAsync(Path.Combine(options.Output, $"{phase}-windows.csv"), added, killed);
        return new SilosChurn(options.Silos, Rate, options.ChurnSeconds, [addedEvent, killedEvent]);
    }

    private static string Describe(string phase, ChurnEvent e) => string.Create(C,
        $"{phase}: {e.What}: partitions settled after {e.SettledSeconds:F1} s, calls ≥ 99 % local again after {e.LocalAgainSeconds:F1} s ({e.LocalAfterSettledSeconds:F1} s after settling; lowest window {e.LowestShare:P1}), caught up after {e.CaughtUpSeconds:F1} s");

    /// <summary>The windows and partition moves seen so far.</summary>
    private sealed class Watch(SiloGroup silos, Stopwatch clock)
    {
        private readonly List<ChurnWindow> _windows = [];
        private readonly List<double> _moves = [];
        private IReadOnlyDictionary<string, SiloMetrics>? _last;
        private double _lastAt;

        public double Now => clock.Elapsed.TotalSeconds;

        public async Task ObserveAsync(TimeSpan span)
        {
            var until = clock.Elapsed + span;
            while (clock.Elapsed < until)
            {
                await Task.Delay(Window);
                if (await silos.ReadIngressLinesAsync())
                {
                    _moves.Add(Now);
                }

                var each = await silos.ScrapeEachAsync();
                var at = Now;
                if (_last is not null)
                {
                    // Only silos alive at both ends: a new silo's first counters, and a killed one's last, are not the window's.
                    var sum = each.Where(e => _last.ContainsKey(e.Key)).Aggregate(default(SiloMetrics), (s, e) => s + (e.Value - _last[e.Key]));
                    _windows.Add(new ChurnWindow(at, at - _lastAt, sum.LocalCalls, sum.RemoteCalls, sum.Readings));
                }

                (_last, _lastAt) = (each, at);
            }
        }

        /// <summary>The windows as CSV, for a closer look than the summary's.</summary>
        public Task WriteAsync(string path, double added, double killed) => File.WriteAllLinesAsync(path,
        [
            string.Create(C, $"# silo added at {added:F2} s, killed at {killed:F2} s"),
            "end_seconds,seconds,local_calls,remote_calls,readings",
            .. _windows.Select(w => string.Create(C, $"{w.EndSeconds:F2},{w.Seconds:F3},{w.LocalCalls},{w.RemoteCalls},{w.Readings}")),
        ]);

        public ChurnEvent Summarize(string what, double at)
        {
            var after = _windows.Where(w => w.EndSeconds > at).ToList();
            var judged = after.Where(w => w.Calls >= MinCallsPerWindow).ToList();
            var settled = _moves.Where(m => m >= at).DefaultIfEmpty(at).Max();
            var remote = judged.LastOrDefault(w => w.Share < LocalTarget);
            // Readings offered since the change and not processed yet (what was behind before it does not count).
            var (behind, caughtUp) = (0.0, at);
            foreach (var w in after)
            {
                behind = Math.Max(0, behind + (Rate * w.Seconds) - w.Readings);
                caughtUp = behind > Rate ? w.EndSeconds : caughtUp;
            }

            return new ChurnEvent(
                what,
                settled - at,
                remote == default ? 0 : remote.EndSeconds - at,
                judged.Count > 0 ? judged.Min(w => w.Share) : null,
                caughtUp - at);
        }
    }
}
