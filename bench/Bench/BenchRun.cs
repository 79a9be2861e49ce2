using System.Globalization;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Bench;

/// <summary>
/// One benchmark run. In full: the one-hop floor, throughput of each variant (baseline, peer, service) on the same
/// pre-produced records (each on its own topics), the latency of the peer and the service at a sustained rate, then
/// setting-to-effect and memory of the service. Only one variant runs at a time, so this process's CPU is its own. With
/// <c>--Sustained</c>: the floor and the latency runs only. The broker runs in a process of its own throughout.
/// </summary>
public sealed class BenchRun(BenchOptions options, Action<string> progress, string commandLine = "(in process)")
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public async Task<BenchReport> RunAsync()
    {
        Directory.CreateDirectory(options.Output);
        // Topics (and with PostgreSQL, grain state keyed by topic) outlive a run anywhere but on the embedded broker.
        var tag = options.BootstrapServers is null && options.PostgreSql is null ? "" : $"-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var topics = new Dictionary<string, PhaseTopics>();
        foreach (var phase in Phases())
        {
            topics[phase] = PhaseTopics.For(phase, tag);
        }

        var report = new BenchReport
        {
            Environment = RunEnvironment.Capture(commandLine), Readings = options.Sustained ? 0 : options.Readings,
            Sensors = options.Sustained ? 0 : options.Sensors, LatencyRate = options.Rate, LatencySeconds = options.Duration, WarmupSeconds = options.WarmupSeconds,
            LatencySensors = options.LatencySensors,
            Failsafe = options.Failsafe,
        };

        progress("starting the broker");
        await using var broker = await BenchBroker.StartAsync(
            options, [.. topics.Values.SelectMany(t => t.Phase is Phase.Peer or Phase.PeerLatency ? PeerVariant.AllTopics(t) : t.All)]);
        report.Broker = broker.Description;
        var cpu = new CpuClock(() => broker.CpuTime);
        using var writer = new WorkloadWriter(broker.BootstrapServers);
        var rates = new RateRunner(options, broker, writer, cpu, progress);

        if (options.Floor)
        {
            report.Floor = await rates.FloorAsync(topics[Phase.Floor]);
            progress(Describe(report.Floor));
        }

        if (!options.Sustained && options.Runs(BenchOptions.Baseline))
        {
            var phase = topics[Phase.Baseline];
            var records = Write(report, writer, phase);
            progress("baseline: bare Confluent loop");
            Quiesce();
            var loop = new BaselineLoop();
            var run = Task.Factory.StartNew(() => loop.Run(broker.BootstrapServers, phase, records), TaskCreationOptions.LongRunning);
            Record(report, BenchOptions.Baseline, await ThroughputMeter.MeasureAsync(BenchOptions.Baseline, () => loop.Processed, records, cpu, run));
        }

        if (!options.Sustained && options.Runs(BenchOptions.Peer))
        {
            var phase = topics[Phase.Peer];
            var records = Write(report, writer, phase);
            progress($"peer: Streamiz.Kafka.Net, {options.PeerThreads} stream thread(s), in this process");
            Quiesce();
            await using var peer = PeerVariant.Create(phase);
            using var failed = new CancellationTokenSource();
            var measuring = ThroughputMeter.MeasureAsync(BenchOptions.Peer, () => peer.Processed, records, cpu, cancellationToken: failed.Token);
            await StartOrCancelAsync(peer.StartAsync(broker.BootstrapServers, options.PeerThreads), failed);
            Record(report, BenchOptions.Peer, await measuring);
        }

        if (!options.Sustained && options.Runs(BenchOptions.Service))
        {
            var phase = topics[Phase.Service];
            var records = Write(report, writer, phase);
            progress("service: ingress → grain → egress, on a silo in this process");
            Quiesce();
            await using var service = ServiceVariant.Create(options, broker.BootstrapServers, phase);
            using var failed = new CancellationTokenSource();
            var measuring = ThroughputMeter.MeasureAsync(BenchOptions.Service, () => service.Processed, records, cpu, cancellationToken: failed.Token);
            await StartOrCancelAsync(service.StartAsync(), failed);
            Record(report, BenchOptions.Service, await measuring);
        }

        if (options.Runs(BenchOptions.Peer))
        {
            Quiesce();
            await using var peer = PeerVariant.Create(topics[Phase.PeerLatency]);
            await peer.StartAsync(broker.BootstrapServers, options.PeerThreads);
            var run = await rates.VariantAsync(peer);
            report.Latency.Add(run);
            progress(Describe(run));
        }

        if (options.Runs(BenchOptions.Service))
        {
            await ServiceLatencyAsync(report, broker, writer, rates, topics[Phase.ServiceLatency]);
        }

        return report;
    }

    /// <summary>Starts a variant that a meter is already watching; stops the meter if the start fails.</summary>
    private static async Task StartOrCancelAsync(Task start, CancellationTokenSource meter)
    {
        try
        {
            await start;
        }
        catch
        {
            await meter.CancelAsync();
            throw;
        }
    }

    /// <summary>The service's latency run on a fresh silo and topics; then, in a full run, setting-to-effect and memory on it.</summary>
    private async Task ServiceLatencyAsync(BenchReport report, BenchBroker broker, WorkloadWriter writer, RateRunner rates, PhaseTopics phase)
    {
        Quiesce();
        var activeElsewhere = GrainMetrics.Active;
        await using var service = ServiceVariant.Create(options, broker.BootstrapServers, phase);
        await service.StartAsync();
        var run = await rates.VariantAsync(service);
        report.Latency.Add(run);
        progress(Describe(run));
        if (options.Sustained)
        {
            return;
        }

        progress($"setting-to-effect, {options.SettingSamples} samples");
        report.SettingToEffect = await SettingToEffect.MeasureAsync(service, broker.BootstrapServers, writer, options.SettingSamples);
        var memory = new MemoryMeter(service, writer, activeElsewhere);
        foreach (var sensors in options.MemorySteps)
        {
            progress($"memory with {sensors:N0} active sensors");
            report.Memory.Add(await memory.MeasureAsync(sensors));
        }
    }

    private IEnumerable<string> Phases()
    {
        if (options.Floor)
        {
            yield return Phase.Floor;
        }

        if (!options.Sustained && options.Runs(BenchOptions.Baseline))
        {
            yield return Phase.Baseline;
        }

        foreach (var (variant, throughput, latency) in new[] { (BenchOptions.Peer, Phase.Peer, Phase.PeerLatency), (BenchOptions.Service, Phase.Service, Phase.ServiceLatency) })
        {
            if (options.Runs(variant))
            {
                if (!options.Sustained)
                {
                    yield return throughput;
                }

                yield return latency;
            }
        }
    }

    /// <summary>The same settings and readings (same seed) for every variant, on its own topics.</summary>
    private long Write(BenchReport report, WorkloadWriter writer, PhaseTopics phase)
    {
        progress($"producing {options.Sensors:N0} settings and {options.Readings:N0} readings to {phase.Readings}, {phase.Settings}");
        writer.Settings(phase.Settings, 1, options.Sensors);
        report.FlipShare = writer.Readings(phase.Readings, options.Sensors, options.Readings);
        return (long)options.Sensors + options.Readings;
    }

    private void Record(BenchReport report, string variant, PhaseCost cost)
    {
        report.Throughput[variant] = cost;
        progress(string.Create(C, $"{variant}: {cost.RecordsPerSecond:N0} records/s, {cost.CpuMicrosPerRecord:F1} µs CPU per record ({cost.CoresBusy:F2} cores busy)"));
    }

    private static string Describe(RateRun run) => string.Create(C,
        $"{run.Name}: p50 / p99 / p99.9 / max {run.Latency.P50Ms:F1} / {run.Latency.P99Ms:F1} / {run.Latency.P999Ms:F1} / {run.Latency.MaxMs:F1} ms; {(run.KeptUp ? "kept up" : "did not keep up: " + run.Shortfall)}");

    /// <summary>Collects what earlier phases left behind, so that a phase pays for its own garbage only.</summary>
    private static void Quiesce()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
