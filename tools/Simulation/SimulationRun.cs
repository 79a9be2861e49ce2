using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeaterOrleans.Simulation;

/// <summary>
/// The closed loop: the real service in this process on its own embedded broker, and simulated rooms that
/// talk to it only through Kafka, as heaters would. Every variant (one per added delay) runs at the same
/// time against the same service, with the same rooms, settings and noise. In real time (compressed) the
/// service's own delay counts, as the machine allows; in lockstep simulated time waits for the service, so the
/// outcome is the same on any machine.
/// </summary>
public static class SimulationRun
{
    private static readonly TimeSpan SettingsTimeout = TimeSpan.FromSeconds(60);

    public static Task<SimulationReport> RunAsync(SimulationOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(options, null, cancellationToken);

    /// <summary>Runs the loop, writes the report, CSV and plots to <see cref="SimulationOptions.Output"/>.</summary>
    /// <param name="progress">Receives a line every <see cref="SimulationOptions.ProgressInterval"/> and at each stage.</param>
    public static async Task<SimulationReport> RunAsync(SimulationOptions options, Action<string>? progress, CancellationToken cancellationToken = default)
    {
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        var say = progress ?? (_ => { });
        var report = new SimulationReport { Options = options };
        var plans = HeaterPlan.Create(options);
        var traced = TracedHeaters(plans, options.PlotHeaters);
        var variants = options.DelaySeconds.Select((d, v) => new Variant(v, d, plans, options, traced)).ToList();
        var rooms = variants.SelectMany(v => v.Rooms).ToList();
        var duration = options.Duration.TotalSeconds;
        var changeAt = options.EffectiveSettingChangeAt.TotalSeconds;
        report.OfferedReadingsPerSecond = rooms.Count * options.Compression;

        var errorLog = new ErrorLog();
        say($"starting the service (embedded broker, memory storage) for {variants.Count} × {options.Heaters:N0} heaters");
        await using var silo = HeaterSiloHost.Build(
        [
            "--Kafka:BootstrapServers=", $"--Kafka:Embedded:Partitions={options.Partitions}", "--Simulator:Enabled=false",
            "--Storage:Provider=Memory", "--urls=http://127.0.0.1:0", $"--Orleans:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", $"--Failsafe:Enabled={options.Failsafe}",
        ], services => services.AddSingleton<ILoggerProvider>(errorLog));
        await silo.StartAsync(cancellationToken);
        var kafka = silo.Services.GetRequiredService<KafkaClientFactory>();
        var metrics = silo.Services.GetRequiredService<HeaterMetrics>();
        var topics = kafka.Options.Topics;
        errorLog.Recording = true;

        long produceErrors = 0;
        var keys = rooms.Select(r => r.SensorId).Append(CommandListener.WarmUpSensorId)
            .ToDictionary(id => id, SensorKey.Encode);
        using var producer = new ProducerBuilder<byte[], byte[]>(kafka.CreateProducerConfig()).Build();
        var clock = options.Lockstep ? SimClock.Stepped() : SimClock.RealTime(options.Compression);
        // The service's own consumer settings (5 ms fetch wait on the embedded broker, which answers fetches at
        // once): 1 ms spun three broker threads at ~40 % CPU each, taken from the service under test.
        var consumerConfig = kafka.CreateConsumerConfig("heater-simulation");
        var listener = new CommandListener(consumerConfig, topics.Commands, options.Partitions, variants, clock);
        var barrier = new LockstepBarrier(metrics, listener, () => Interlocked.Read(ref produceErrors));
        void Delivered(DeliveryReport<byte[], byte[]> r)
        {
            if (r.Error.IsError)
            {
                Interlocked.Increment(ref produceErrors);
            }
        }

        void Produce(string topic, int sensorId, Google.Protobuf.IMessage message, long timestampMs)
        {
            barrier.Producing();
            producer.ProduceWhenQueued(topic, new Message<byte[], byte[]>
            {
                Key = keys[sensorId], Value = MessageCodec.Encode(message), Timestamp = new Timestamp(timestampMs, TimestampType.CreateTime),
            }, Delivered);
        }

        // The settings exist before the first reading, as they would in a building that is already set up.
        var settingsBefore = metrics.SettingsTotal;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var room in rooms)
        {
            Produce(topics.Settings, room.SensorId, room.Plan.Setting.ToMessage(room.SensorId), now);
        }

        producer.Flush(cancellationToken);
        var settingsDeadline = DateTime.UtcNow + SettingsTimeout;
        while (metrics.SettingsTotal - settingsBefore < rooms.Count && DateTime.UtcNow < settingsDeadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        if (metrics.SettingsTotal - settingsBefore < rooms.Count)
        {
            report.Failures.Add($"the service applied only {metrics.SettingsTotal - settingsBefore} of {rooms.Count} settings within {SettingsTimeout.TotalSeconds:F0} s");
        }

        using var stopListening = new CancellationTokenSource();
        var listening = Task.Factory.StartNew(() => listener.Run(stopListening.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // The first commands of a cold loop take about half a second (connections, the egress producer, the
        // consumer's first fetch): at ×60 that would be 30 s of room time. Switch a spare sensor until the
        // whole path has carried commands, and only then start the clock.
        await WarmUpAsync(Produce, producer, topics, listener, report, cancellationToken);
        producer.Flush(cancellationToken);

        long readingsSent = 0;
        string? stalled = null;
        var steps = new List<double>();
        var changes = rooms.Where(r => r.Plan.ChangedSetting is not null).ToList();
        say(options.Lockstep
            ? $"closed loop in lockstep: {rooms.Count:N0} rooms, {options.Duration} simulated one second at a time, each once the service has answered the last; " +
              $"{changes.Count / variants.Count:N0} settings per variant change at {options.EffectiveSettingChangeAt}"
            : $"closed loop: {rooms.Count:N0} rooms, {options.Duration} simulated at ×{options.Compression:G} " +
              $"(about {TimeSpan.FromSeconds(Math.Round(duration / options.Compression))} real), {report.OfferedReadingsPerSecond:N0} readings/s; " +
              $"{changes.Count / variants.Count:N0} settings per variant change at {options.EffectiveSettingChangeAt}");
        if (options.Lockstep)
        {
            // Let the warm-up's last reading and command settle, so that the first step starts from a quiet loop.
            stalled = Settle(producer, barrier, options.LockstepTimeout, cancellationToken);
        }

        clock.Start();
        // Lockstep readings carry their simulated instant as their Kafka timestamp (from the real start), so that
        // each command's reading-time header names the reading exactly, whatever the machine's speed.
        var epochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long Stamp(double time) => options.Lockstep ? epochMs + (long)Math.Round(time * 1000) : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var loop = Task.Factory.StartNew(() =>
        {
            // Heater i reads at k + i/N simulated seconds: phases spread over the second keep the load smooth.
            var perVariant = options.Heaters;
            var changed = changes.Count == 0;
            var stepStarted = Stopwatch.GetTimestamp();
            for (long slot = 0; stalled is null; slot++)
            {
                var (second, index) = Math.DivRem(slot, perVariant);
                var time = second + ((double)index / perVariant);
                if (options.Lockstep && index == 0 && second > 0)
                {
                    // The previous simulated second is over: the next starts once the service has answered it.
                    stalled = Settle(producer, barrier, options.LockstepTimeout, cancellationToken);
                    lock (steps)
                    {
                        steps.Add(Stopwatch.GetElapsedTime(stepStarted).TotalMilliseconds);
                    }

                    stepStarted = Stopwatch.GetTimestamp();
                }

                if (stalled is not null || time >= duration || cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (!changed && time >= changeAt)
                {
                    if (options.Lockstep)
                    {
                        // The readings before the change are answered first, and the new settings are applied
                        // before any later reading: in lockstep the change happens exactly at its instant.
                        stalled = Settle(producer, barrier, options.LockstepTimeout, cancellationToken);
                        if (stalled is not null)
                        {
                            break;
                        }

                        clock.Set(changeAt);
                    }

                    Pace(clock, changeAt);
                    var ms = Stamp(changeAt);
                    foreach (var room in changes)
                    {
                        Produce(topics.Settings, room.SensorId, room.Plan.ChangedSetting!.ToMessage(room.SensorId), ms);
                    }

                    changed = true;
                    if (options.Lockstep && (stalled = Settle(producer, barrier, options.LockstepTimeout, cancellationToken)) is not null)
                    {
                        break;
                    }
                }

                if (options.Lockstep)
                {
                    clock.Set(time);
                }

                Pace(clock, time);
                foreach (var variant in variants)
                {
                    var room = variant.Rooms[index];
                    var reading = room.Read(time);
                    var ms = Stamp(time);
                    room.Sent(ms, time);
                    Produce(topics.Readings, room.SensorId, new SensorData { SensorID = room.SensorId, Temperature = reading }, ms);
                    Interlocked.Increment(ref readingsSent);
                }
            }

            if (options.Lockstep && stalled is null && !cancellationToken.IsCancellationRequested)
            {
                // The last step (a Duration that is not whole seconds ends mid-step): its commands belong to the run.
                stalled = Settle(producer, barrier, options.LockstepTimeout, cancellationToken);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var (lastSent, lastCommands, lastReal, lastSteps) = (0L, 0L, TimeSpan.Zero, 0);
        var processedBefore = metrics.ReadingsTotal;
        while (await Task.WhenAny(loop, Task.Delay(options.ProgressInterval, cancellationToken)) != loop)
        {
            var (sent, commands, real) = (Interlocked.Read(ref readingsSent), listener.Received, clock.RealElapsed);
            var seconds = (real - lastReal).TotalSeconds;
            var rates = string.Create(CultureInfo.InvariantCulture,
                $"sim {TimeSpan.FromSeconds(Math.Round(clock.Now))} of {options.Duration} | {(sent - lastSent) / seconds:N0} readings/s, " +
                $"{(commands - lastCommands) / seconds:N0} commands/s | ");
            if (options.Lockstep)
            {
                List<double> recent;
                lock (steps)
                {
                    recent = steps.Skip(lastSteps).Order().ToList();
                    lastSteps = steps.Count;
                }

                say(rates + string.Create(CultureInfo.InvariantCulture,
                    $"{recent.Count / seconds:F1} steps/s, step p50 {Percentiles.Of(recent, 50):F1} ms, slowest {Percentiles.Of(recent, 100):F1} ms real"));
            }
            else
            {
                var lag = sent - (metrics.ReadingsTotal - processedBefore);
                say(rates + string.Create(CultureInfo.InvariantCulture,
                    $"service behind by {lag:N0} readings ({lag / Math.Max(1, report.OfferedReadingsPerSecond) * 1000:F0} ms real)"));
            }

            (lastSent, lastCommands, lastReal) = (sent, commands, real);
        }

        await loop;
        cancellationToken.ThrowIfCancellationRequested();
        if (!options.Lockstep)
        {
            // Commands that arrived before the end are queued within moments; then every room closes at the end.
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        await stopListening.CancelAsync();
        await listening;
        report.RealSeconds = clock.RealElapsed.TotalSeconds;
        producer.Flush(TimeSpan.FromSeconds(10));
        errorLog.Recording = false;

        if (stalled is not null)
        {
            report.Failures.Add($"lockstep stalled at simulated {TimeSpan.FromSeconds(Math.Round(clock.Now))}: {stalled}");
        }

        if (options.Lockstep)
        {
            var sorted = steps.Order().ToList();
            report.OfferedReadingsPerSecond = readingsSent / Math.Max(report.RealSeconds, 1e-3);
            report.LockstepSteps = sorted.Count;
            report.StepMillisecondsP50 = Percentiles.Of(sorted, 50);
            report.StepMillisecondsP99 = Percentiles.Of(sorted, 99);
            report.StepMillisecondsMax = Percentiles.Of(sorted, 100);
        }

        report.ReadingsSent = readingsSent;
        report.CommandsReceived = listener.Received;
        report.CommandsWithoutKnownReading = listener.Unmatched;
        report.ServiceErrors = errorLog.Count;
        report.ServiceErrorSamples = errorLog.First;
        report.DeadLettered = metrics.DeadLetteredTotal;
        report.ProduceErrors = Interlocked.Read(ref produceErrors);
        foreach (var variant in variants)
        {
            var results = variant.Rooms.Select(r => r.Finish(duration)).ToList();
            report.Heaters.AddRange(results);
            report.Variants.Add(VariantSummary.Of(variant, results, readingsSent / variants.Count));
            foreach (var room in variant.Rooms.Where(r => r.Trace is not null))
            {
                report.Traces[(variant.Number, room.Plan.Index)] = room.Trace!;
            }
        }

        Judge(report, listener);
        say("stopping the service");
        await silo.StopAsync(CancellationToken.None);
        say($"writing the report and plots to {Path.GetFullPath(options.Output)}");
        await ReportWriter.WriteAsync(report, CancellationToken.None);
        return report;
    }

    private static async Task WarmUpAsync(Action<string, int, Google.Protobuf.IMessage, long> produce, IProducer<byte[], byte[]> producer,
        KafkaTopicsOptions topics, CommandListener listener, SimulationReport report, CancellationToken cancellationToken)
    {
        const int sensor = CommandListener.WarmUpSensorId;
        produce(topics.Settings, sensor, new TemperatureControl { SensorID = sensor, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 }, Now());
        var deadline = DateTime.UtcNow + SettingsTimeout;
        for (var i = 0; listener.WarmUpCommands < 6 && DateTime.UtcNow < deadline; i++)
        {
            produce(topics.Readings, sensor, new SensorData { SensorID = sensor, Temperature = i % 2 == 0 ? 10 : 30 }, Now());
            producer.Flush(cancellationToken);
            await Task.Delay(50, cancellationToken);
        }

        // End on Off, so that the spare sensor stays quiet (the service's stale-sensor failsafe acts on heaters left On).
        produce(topics.Readings, sensor, new SensorData { SensorID = sensor, Temperature = 30 }, Now());
        if (listener.WarmUpCommands == 0)
        {
            report.Failures.Add($"no command came back for the warm-up sensor within {SettingsTimeout.TotalSeconds:F0} s");
        }

        static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>Lockstep: sends what is queued and waits for the service's answer; null when it came, otherwise what is missing.</summary>
    private static string? Settle(IProducer<byte[], byte[]> producer, LockstepBarrier barrier, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Flush sends at once (no linger) and returns on the broker's acks, so every record is there to be answered.
        producer.Flush(cancellationToken);
        return barrier.Wait(timeout, cancellationToken);
    }

    /// <summary>Waits until simulated time <paramref name="time"/>; sleeps in 1 ms steps (Compression ms of room time). Lockstep has no pace.</summary>
    private static void Pace(SimClock clock, double time)
    {
        while (!clock.IsStepped && clock.Now < time)
        {
            var wait = clock.Until(time);
            Thread.Sleep(wait > TimeSpan.FromMilliseconds(2) ? wait - TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>The first heaters, and the first one whose setting changes so that the plots show a change.</summary>
    private static HashSet<int> TracedHeaters(IReadOnlyList<HeaterPlan> plans, int count)
    {
        var traced = plans.Take(count).Select(p => p.Index).ToHashSet();
        if (count > 0 && !plans.Take(count).Any(p => p.ChangedSetting is not null) && plans.FirstOrDefault(p => p.ChangedSetting is not null) is { } changed)
        {
            traced.Remove(count - 1);
            traced.Add(changed.Index);
        }

        return traced;
    }

    private static void Judge(SimulationReport report, CommandListener listener)
    {
        if (report.ServiceErrors > 0)
        {
            report.Failures.Add($"the service logged {report.ServiceErrors} errors, e.g. {string.Join(" | ", report.ServiceErrorSamples)}");
        }

        if (report.DeadLettered > 0)
        {
            report.Failures.Add($"the service dead-lettered {report.DeadLettered} of our records");
        }

        if (report.ProduceErrors > 0)
        {
            report.Failures.Add($"{report.ProduceErrors} records could not be produced");
        }

        if (listener.Malformed + listener.Foreign > 0)
        {
            report.Failures.Add($"{listener.Malformed} undecodable commands and {listener.Foreign} for sensors this run does not own");
        }

        foreach (var v in report.Variants)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"delay {v.AddedDelaySeconds:G} s");
            if (v.HeatersWithoutCommand > 0)
            {
                report.Failures.Add($"{name}: {v.HeatersWithoutCommand} heaters never received a command");
            }

            if (v.HeatersNeverSettled > 0)
            {
                report.Warnings.Add($"{name}: {v.HeatersNeverSettled} heaters never reached their band");
            }

            if (v.ChangedHeatersNotResettled > 0)
            {
                report.Warnings.Add($"{name}: {v.ChangedHeatersNotResettled} of {v.ChangedHeaters} heaters never reached their new band after the setting change");
            }

            if (v.StaleCommands > 0)
            {
                report.Warnings.Add($"{name}: {v.StaleCommands} repeated or stale commands were ignored");
            }
        }

        if (report.CommandsWithoutKnownReading > 0)
        {
            report.Warnings.Add($"{report.CommandsWithoutKnownReading} commands could not be matched to their reading (no realized delay for them)");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
