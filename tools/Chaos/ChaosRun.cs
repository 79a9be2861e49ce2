using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HeaterOrleans.Testing;

namespace HeaterOrleans.Chaos;

/// <summary>
/// One chaos run: a broker process, PostgreSQL and two silo processes; the seeded workload produced while
/// silos are killed and the broker and the database go away for a while; then the output checked against the
/// reference model and the garbage against the dead-letter topic.
/// </summary>
public static class ChaosRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Runs to the end and returns the report (also written to <see cref="ChaosOptions.Report"/>).</summary>
    /// <exception cref="Exception">A harness error: something other than the service under test failed.</exception>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(options));
        }

        var log = new RunLog(output);
        var runFolder = Path.GetFullPath(Path.Combine(options.RunsFolder, DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(runFolder);
        var siloPath = Path.Combine(AppContext.BaseDirectory, "HeaterOrleans.Silo");
        if (!File.Exists(siloPath))
        {
            throw new FileNotFoundException("The Silo apphost is not beside the harness; build tools/Chaos (it references src/Silo).", siloPath);
        }

        var plan = WorkloadPlan.Create(options);
        log.Line(string.Create(CultureInfo.InvariantCulture,
            $"plan: {plan.Sensors.Count:N0} sensors ({plan.Sensors.Count(s => s.NullKey):N0} null-keyed), {plan.ReadingCount:N0} readings in {plan.Rounds.Count} rounds, " +
            $"{plan.SettingCount:N0} settings ({plan.Sensors.Count(s => s.Changed is not null):N0} changed in round {plan.ChangeRound}), {plan.GarbageCount:N0} garbage"));
        log.Line($"run folder {runFolder}");

        // The timeout bounds the run up to the service catching up; the check and the clean-up come after it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        BrokerProcess? broker = null;
        PostgresServer? postgres = null;
        SiloCluster? silos = null;
        GroupProgress? progress = null;
        WorkloadProducer? producer = null;
        Task faulting = Task.CompletedTask;
        try
        {
            broker = await BrokerProcess.StartAsync(siloPath, options.Partitions, runFolder, stop.Token);
            log.Line($"broker listening on {broker.BootstrapServers}");
            postgres = await PostgresServer.StartAsync();
            var connectionString = await postgres.CreateDatabaseAsync();
            log.Line($"PostgreSQL on port {postgres.Port}");
            silos = new SiloCluster(siloPath, runFolder, broker.BootstrapServers, connectionString, options.SiloArgs);
            var started = new[] { silos.Start(), silos.Start() };
            await Task.WhenAll(started.Select(s => SiloCluster.WaitAssignedAsync(s, TimeSpan.FromMinutes(2), stop.Token)));
            log.Line("2 silos consuming");

            progress = new GroupProgress(broker.BootstrapServers, options.Partitions);
            producer = new WorkloadProducer(broker.BootstrapServers, plan, progress, options, log);
            // Settings first, and applied, before any reading: Kafka does not order records across topics.
            await producer.ProduceSettingsAsync(stop.Token);
            await WaitCaughtUpAsync(progress, [Topics.Settings], stop.Token);
            log.Line($"{plan.Sensors.Count:N0} settings applied and committed");

            var processingStart = log.Elapsed;
            var injector = new FaultInjector(options, silos, broker, postgres, progress, producer, log);
            var production = producer.ProduceRoundsAsync(stop.Token);
            faulting = injector.RunAsync(FaultInjector.Plan(options, plan.Rounds.Count), production, stop.Token);
            string? note = null;
            var caughtUp = false;
            try
            {
                await production;
                log.Line("all readings produced");
                await faulting;
                await WaitCaughtUpAsync(progress, [Topics.Readings, Topics.Settings], stop.Token);
                caughtUp = true;
                log.Line("the group committed every input record");
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                note = production.IsCompletedSuccessfully
                    ? $"the group did not catch up within {options.Timeout}"
                    : $"the workload could not be produced within {options.Timeout} (the service stopped committing); output not checked";
                log.Line($"TIMEOUT: {note}");
            }

            var processing = log.Elapsed - processingStart;
            var report = new ChaosReport
            {
                Options = options,
                RunFolder = runFolder,
                Sensors = plan.Sensors.Count,
                Readings = plan.ReadingCount,
                Settings = plan.SettingCount,
                CaughtUp = caughtUp,
                Note = note,
                Faults = [.. injector.Faults],
                GarbageSent = producer.Garbage.Count,
                ProcessingSeconds = Math.Round(processing.TotalSeconds, 1),
                RecordsPerSecond = Math.Round(plan.Rounds.Sum(r => r.Count) / processing.TotalSeconds),
            };
            if (production.IsCompletedSuccessfully)
            {
                log.Line("reading the commands and dead-letter topics");
                var commands = TopicReader.ReadAll(broker.BootstrapServers, Topics.Commands, options.Partitions, TimeSpan.FromMinutes(5));
                var deadLetters = TopicReader.ReadAll(broker.BootstrapServers, Topics.DeadLetter, options.Partitions, TimeSpan.FromMinutes(2));
                var check = OutputChecker.Check(plan, commands, deadLetters, producer.Garbage);
                report = report with { Output = check };
            }

            report = report with { TotalSeconds = Math.Round(log.Elapsed.TotalSeconds, 1) };
            var json = JsonSerializer.Serialize(report, Json);
            await File.WriteAllTextAsync(Path.Combine(runFolder, "chaos-report.json"), json, CancellationToken.None);
            if (Path.GetDirectoryName(Path.GetFullPath(options.Report)) is { } reportFolder)
            {
                Directory.CreateDirectory(reportFolder);
            }

            await File.WriteAllTextAsync(options.Report, json, CancellationToken.None);
            log.Line($"report written to {Path.GetFullPath(options.Report)}");
            return report;
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await faulting;
            }
            catch (Exception e)
            {
                log.Line($"fault injection ended with {e.GetType().Name}: {e.Message}");
            }

            log.Line("cleaning up");
            producer?.Dispose();
            progress?.Dispose();
            silos?.Dispose();
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }
        }
    }

    private static async Task WaitCaughtUpAsync(GroupProgress progress, string[] topics, CancellationToken cancellationToken)
    {
        while (!progress.CaughtUp(topics))
        {
            await Task.Delay(250, cancellationToken);
        }
    }
}
