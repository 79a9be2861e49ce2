using System.Diagnostics;
using System.Globalization;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Bench;

/// <summary>
/// One benchmark run. In full: the one-hop floor, throughput of each variant (baseline, peer, service in memory,
/// service on PostgreSQL) on the same pre-produced records, readings through silo processes (1, then
/// <c>--Silos</c> with either placement), the latency of the peer and of both services at a sustained rate, then
/// setting-to-effect and memory of the service in memory, and last the service on PostgreSQL through an outage of
/// its server. With <c>--Sustained</c>: the floor, the latency runs and the outage. Every phase has its own topics
/// and broker process, and only one variant runs at a time, so this process's CPU time is that variant's (the silo
/// processes' is read from them).
/// </summary>
public sealed class BenchRun(BenchOptions options, Action<string> progress, string commandLine = "(in process)")
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    // Topics outlive a run on a real Kafka, and so does grain state (keyed by topic) in the user's PostgreSQL.
    private readonly string _tag = options.BootstrapServers is null && options.ExternalPostgreSql is null ? "" : $"-{DateTime.UtcNow:yyyyMMddHHmmss}";

    public async Task<BenchReport> RunAsync()
    {
        Directory.CreateDirectory(options.Output);
        var report = new BenchReport
        {
            Environment = RunEnvironment.Capture(commandLine), Readings = options.Sustained ? 0 : options.Readings,
            Sensors = options.Sustained ? 0 : options.Sensors, LatencyRate = options.Rate, LatencySeconds = options.Duration,
            WarmupSeconds = options.WarmupSeconds, LatencySensors = options.LatencySensors, Failsafe = options.Failsafe,
        };
        var rates = new RateRunner(options, progress);
        var runsSilos = !options.Sustained && options.Runs(BenchOptions.SiloProcesses);
        if ((options.Runs(BenchOptions.ServicePg) || runsSilos) && options.ExternalPostgreSql is null)
        {
            progress("starting a throwaway PostgreSQL server for service-pg and the silo processes");
        }

        // Started first, so that a machine without PostgreSQL fails the run before its long phases, not after.
        await using var postgresServer = options.Runs(BenchOptions.ServicePg) || runsSilos ? await BenchPostgres.StartAsync(options) : null;
        var postgres = options.Runs(BenchOptions.ServicePg) ? postgresServer : null;

        if (options.Floor)
        {
            await using var kafka = await StartAsync(report, Phase.Floor);
            report.Floor = await rates.FloorAsync(kafka);
            progress(Describe(report.Floor));
        }

        if (!options.Sustained && options.Runs(BenchOptions.Baseline))
        {
            await using var kafka = await StartAsync(report, Phase.Baseline);
            var records = Write(report, kafka);
            progress("baseline: bare Confluent loop");
            Quiesce();
            var loop = new BaselineLoop();
            var run = Task.Factory.StartNew(() => loop.Run(kafka.BootstrapServers, kafka.Topics, records, kafka.Cpu), TaskCreationOptions.LongRunning);
            var cost = await ThroughputMeter.MeasureAsync(BenchOptions.Baseline, () => loop.Processed, records, kafka.Cpu, run, firstRecord: () => loop.FirstRecord);
            Record(report, BenchOptions.Baseline, cost, loop.Commands);
        }

        if (!options.Sustained && options.Runs(BenchOptions.Peer))
        {
            await using var kafka = await StartPeerPhaseAsync(report, Phase.Peer);
            var records = Write(report, kafka);
            progress($"peer: Streamiz.Kafka.Net, {options.PeerThreads} stream thread(s), in this process");
            Quiesce();
            await using var peer = PeerVariant.Create(kafka.Topics);
            using var failed = new CancellationTokenSource();
            var measuring = ThroughputMeter.MeasureAsync(BenchOptions.Peer, () => peer.Processed, records, kafka.Cpu, cancellationToken: failed.Token);
            await StartOrCancelAsync(peer.StartAsync(kafka.BootstrapServers, options.PeerThreads), failed);
            Record(report, BenchOptions.Peer, await measuring, peer.CommandsSent);
        }

        if (!options.Sustained && options.Runs(BenchOptions.Service))
        {
            await ServiceThroughputAsync(report, Phase.Service, null);
        }

        if (!options.Sustained && postgres is not null)
        {
            await GiveUpOnFailureAsync(report, Phase.ServicePg, () => ServiceThroughputAsync(report, Phase.ServicePg, postgres));
        }

        if (runsSilos && postgresServer is not null)
        {
            await SiloProcessesAsync(report, postgresServer);
        }

        if (options.Runs(BenchOptions.Peer))
        {
            await using var kafka = await StartPeerPhaseAsync(report, Phase.PeerLatency);
            Quiesce();
            await using var peer = PeerVariant.Create(kafka.Topics);
            await peer.StartAsync(kafka.BootstrapServers, options.PeerThreads);
            var run = await rates.VariantAsync(peer, kafka);
            report.Latency.Add(run);
            progress(Describe(run));
        }

        if (options.Runs(BenchOptions.Service))
        {
            await ServiceLatencyAsync(report, rates, Phase.ServiceLatency, null);
        }

        if (postgres is not null)
        {
            await GiveUpOnFailureAsync(report, Phase.ServicePgLatency, () => ServiceLatencyAsync(report, rates, Phase.ServicePgLatency, postgres));
        }

        if (postgres is not null && options.Outage > 0)
        {
            await OutageAsync(report, rates, postgres);
        }

        return report;
    }

    /// <summary>The service's throughput on the pre-produced records, its state in memory or (with <paramref name="postgres"/>) in PostgreSQL.</summary>
    private async Task ServiceThroughputAsync(BenchReport report, string phase, BenchPostgres? postgres)
    {
        await using var kafka = await StartAsync(report, phase);
        var records = Write(report, kafka);
        progress(postgres is null
            ? "service: ingress → grain → egress, on a silo in this process"
            : "service-pg: the same, its sensor state in PostgreSQL");
        Quiesce();
        await using var service = await CreateServiceAsync(report, kafka, postgres);
        using var failed = new CancellationTokenSource();
        var measuring = ThroughputMeter.MeasureAsync(
            service.Name, () => service.Processed, records, kafka.Cpu, stateWrites: () => GrainMetrics.Writes, cancellationToken: failed.Token);
        await StartOrCancelAsync(service.StartAsync(), failed);
        Record(report, service.Name, await measuring, service.Metrics.CommandsTotal);
    }

    /// <summary>
    /// The silos phase: the readings (<c>--Readings</c>, capped) through 1 silo process, then through <c>--Silos</c>
    /// with placement by partition and with Orleans' placement, then the churn run (<see cref="SilosChurnRunner"/>),
    /// each on fresh topics, broker and database. A run that fails is noted and the next one goes on.
    /// </summary>
    private async Task SiloProcessesAsync(BenchReport report, BenchPostgres postgres)
    {
        var runner = new SilosRunner(options, progress);
        report.SilosReadings = runner.Readings;
        foreach (var (phase, silos, byPartition) in new[]
                 {
                     (Phase.SilosSingle, 1, true), (Phase.SilosPartition, options.Silos, true), (Phase.SilosOrleans, options.Silos, false),
                 })
        {
            await GiveUpOnFailureAsync(report, phase, async () =>
            {
                await using var kafka = await StartAsync(report, phase);
                report.Silos.Add(await runner.RunAsync(kafka, await postgres.DatabaseAsync(), $"bench-{phase}{_tag}", silos, byPartition));
            });
        }

        if (options.ChurnSeconds > 0)
        {
            await GiveUpOnFailureAsync(report, Phase.SilosChurn, async () =>
            {
                await using var kafka = await StartAsync(report, Phase.SilosChurn);
                report.Churn = await new SilosChurnRunner(options, progress).RunAsync(kafka, await postgres.DatabaseAsync(), $"bench-{Phase.SilosChurn}{_tag}");
            });
        }
    }

    /// <summary>
    /// The service's latency run on a fresh silo and broker; then, in a full run and with the state in memory only,
    /// setting-to-effect and memory on them.
    /// </summary>
    private async Task ServiceLatencyAsync(BenchReport report, RateRunner rates, string phase, BenchPostgres? postgres)
    {
        await using var kafka = await StartAsync(report, phase);
        Quiesce();
        var activeElsewhere = GrainMetrics.Active;
        await using var service = await CreateServiceAsync(report, kafka, postgres);
        await service.StartAsync();
        var run = await rates.VariantAsync(service, kafka);
        report.Latency.Add(run);
        progress(Describe(run));
        if (options.Sustained || postgres is not null)
        {
            return;
        }

        progress($"setting-to-effect, {options.SettingSamples} samples");
        report.SettingToEffect = await SettingToEffect.MeasureAsync(service, kafka, options.SettingSamples);
        var memory = new MemoryMeter(service, kafka.Writer, activeElsewhere);
        foreach (var sensors in options.MemorySteps)
        {
            progress($"memory with {sensors:N0} active sensors");
            report.Memory.Add(await memory.MeasureAsync(sensors));
        }
    }

    /// <summary>
    /// service-pg on a fresh silo, broker and database while its PostgreSQL server is stopped and started again, on
    /// the bench's own server only. The silo is stopped here rather than by <c>await using</c>, so that a stop that
    /// fails or hangs is part of the figure ("no crash").
    /// </summary>
    private async Task OutageAsync(BenchReport report, RateRunner rates, BenchPostgres postgres)
    {
        if (!postgres.CanStop)
        {
            report.OutageNote = "skipped: --PostgreSql names a server of the user's, which the bench does not stop";
            progress($"{Phase.ServicePgOutage}: {report.OutageNote}");
            return;
        }

        await GiveUpOnFailureAsync(report, Phase.ServicePgOutage, async () =>
        {
            await using var kafka = await StartAsync(report, Phase.ServicePgOutage);
            Quiesce();
            var service = await CreateServiceAsync(report, kafka, postgres);
            OutageRun run;
            try
            {
                await service.StartAsync();
                var offsBefore = GrainMetrics.FailsafeOffsTotal;
                run = await rates.OutageAsync(service, kafka, postgres) with
                {
                    MaxRetryDelaySeconds = service.MaxRetryDelay.TotalSeconds, FailsafeAfterSeconds = service.FailsafeAfter?.TotalSeconds,
                };
                run = run with { FailsafeOffs = GrainMetrics.FailsafeOffsTotal - offsBefore };
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }

            var stop = Stopwatch.StartNew();
            try
            {
                await service.DisposeAsync();
                run = run with { SiloStopSeconds = stop.Elapsed.TotalSeconds };
            }
            catch (Exception e)
            {
                run = run with { SiloStopError = $"{e.GetType().Name}: {e.Message}" };
            }

            report.Outage = run;
            progress(Describe(run));
        });
        if (report.Outage is null)
        {
            report.OutageNote = "given up on (see the note above)";
        }
    }

    /// <summary>A silo on the phase's topics, not yet started; on PostgreSQL, in a database for the phase.</summary>
    private async Task<ServiceVariant> CreateServiceAsync(BenchReport report, PhaseKafka kafka, BenchPostgres? postgres)
    {
        if (postgres is null)
        {
            return ServiceVariant.Create(options, kafka.BootstrapServers, kafka.Topics);
        }

        var database = await postgres.DatabaseAsync();
        var service = ServiceVariant.Create(options, kafka.BootstrapServers, kafka.Topics, database);
        try
        {
            report.PostgreSql = await postgres.DescribeAsync(database, service.MaxConnections);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>
    /// Runs a phase of service-pg, whose storage may fail to start or stall where the in-memory service does not, or
    /// of the silo processes: the failure goes into the report as a note and the run goes on to its other phases.
    /// </summary>
    private async Task GiveUpOnFailureAsync(BenchReport report, string phase, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One line, for the report's header (the message of a child process's failure carries its last lines).
            var message = string.Join(" / ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var note = $"{phase}: gave up: {e.GetType().Name}: {message}";
            report.GaveUp.Add(note);
            progress(note);
        }
    }

    private async Task<PhaseKafka> StartAsync(BenchReport report, string phase, IReadOnlyCollection<string>? extraTopics = null)
    {
        var kafka = await PhaseKafka.StartAsync(options, PhaseTopics.For(phase, _tag), extraTopics);
        report.Broker = kafka.Broker.Description;
        return kafka;
    }

    /// <summary>A phase for the peer: its broker also has Streamiz's internal topics, which Streamiz cannot create on the mock.</summary>
    private Task<PhaseKafka> StartPeerPhaseAsync(BenchReport report, string phase) =>
        StartAsync(report, phase, PeerVariant.InternalTopics(PhaseTopics.For(phase, _tag)));

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

    /// <summary>The same settings and readings (same seed) for every variant, on its own topics.</summary>
    private long Write(BenchReport report, PhaseKafka kafka)
    {
        progress($"producing {options.Sensors:N0} settings and {options.Readings:N0} readings to {kafka.Topics.Readings}, {kafka.Topics.Settings}");
        kafka.Writer.Settings(kafka.Topics.Settings, 1, options.Sensors);
        report.FlipShare = kafka.Writer.Readings(kafka.Topics.Readings, options.Sensors, options.Readings);
        return (long)options.Sensors + options.Readings;
    }

    private void Record(BenchReport report, string variant, PhaseCost cost, long commands)
    {
        report.Throughput[variant] = cost;
        report.ThroughputCommands[variant] = commands;
        var writes = cost.StateWritesPerSecond is { } w ? string.Create(C, $", {w:N0} state writes/s") : "";
        progress(string.Create(C, $"{variant}: {cost.RecordsPerSecond:N0} records/s, {cost.CpuMicrosPerRecord:F1} µs CPU per record ({cost.CoresBusy:F2} cores busy){writes}"));
        if (cost.GaveUp is { } gaveUp)
        {
            report.GaveUp.Add($"{variant}: {gaveUp}");
            progress($"{variant}: {gaveUp}");
        }
    }

    private static string Describe(OutageRun run) => string.Create(C,
        $"{Phase.ServicePgOutage}: outage {run.OutageSeconds:F1} s; caught up {(run.CatchUpSeconds is { } s ? "in " + s.ToString("F1", C) + " s" : "not within the run")}; {run.Lost:N0} commands lost, {run.FailsafeOffs:N0} failsafe Offs, max latency {run.Latency.MaxMs:F0} ms; {(run.StayedUp ? "silo stopped cleanly" : "silo did not stop cleanly: " + run.SiloStopError)}");

    private static string Describe(RateRun run) => string.Create(C,
        $"{run.Name}: p50 / p99 / p99.9 / max {run.Latency.P50Ms:F1} / {run.Latency.P99Ms:F1} / {run.Latency.P999Ms:F1} / {run.Latency.MaxMs:F1} ms; {(run.KeptUp ? "kept up" : "did not keep up: " + run.Shortfall)}");

    /// <summary>Collects what earlier phases left behind, so that a phase pays for its own garbage only.</summary>
    private static void Quiesce()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
}
