using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Kafka.Embedded;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeaterOrleans.Bench;

/// <summary>One benchmark run: baseline, service throughput, latency, setting-to-effect and memory, in that order.</summary>
public sealed class BenchRun(BenchOptions options, Action<string> progress)
{
    private HeaterMetrics? _metrics;

    private const string Readings = "sensor";
    private const string Settings = "tempset";
    private const string Commands = "heatercontrol";
    private const string BaselineCommands = "baseline-commands";
    private const int LatencySensorBase = 2_000_000;
    private const int SettingSensorBase = 3_000_000;
    private const int MemorySensorBase = 10_000_000;

    public async Task<BenchReport> RunAsync()
    {
        using var embedded = options.BootstrapServers is null ? EmbeddedKafkaBroker.Start(3) : null;
        var bootstrap = options.BootstrapServers ?? embedded!.BootstrapServers;
        foreach (var topic in new[] { Readings, Settings, Commands, BaselineCommands, "heater-deadletter" })
        {
            embedded?.CreateTopic(topic, options.Partitions);
        }

        var report = new BenchReport { Readings = options.Readings, Sensors = options.Sensors, LatencyRate = options.Rate };
        using var writer = new WorkloadWriter(bootstrap);
        progress($"producing {options.Sensors:N0} settings and {options.Readings:N0} readings");
        writer.Settings(Settings, 1, options.Sensors);
        report.FlipShare = writer.Readings(Readings, options.Sensors, options.Readings);
        var records = (long)options.Sensors + options.Readings;

        progress("baseline: bare Confluent loop");
        report.BaselineMessagesPerSecond = BaselineLoop.Run(bootstrap, Readings, Settings, BaselineCommands, records);

        progress("service: starting a silo");
        await using var silo = await StartSiloAsync(bootstrap);
        _metrics = silo.Services.GetRequiredService<HeaterMetrics>();
        progress("service: processing the same records");
        report.ServiceMessagesPerSecond = await MeasureThroughputAsync(_metrics, records);

        progress($"latency at {options.Rate:N0} readings/s for {options.LatencySeconds} s");
        (report.LatencySamples, report.LatencyP50Ms, report.LatencyP99Ms, report.LatencyP999Ms) = await MeasureLatencyAsync(bootstrap, writer);

        progress($"setting-to-effect, {options.SettingSamples} samples");
        (report.SettingToEffectP50Ms, report.SettingToEffectP99Ms) = await MeasureSettingToEffectAsync(bootstrap, writer);

        foreach (var sensors in options.MemorySteps)
        {
            progress($"memory with {sensors:N0} active sensors");
            report.Memory.Add(await MeasureMemoryAsync(writer, sensors));
        }

        await silo.StopAsync();
        return report;
    }

    private async Task<WebApplication> StartSiloAsync(string bootstrap)
    {
        string[] args =
        [
            $"--Kafka:BootstrapServers={bootstrap}", "--Kafka:GroupId=bench-service", "--Kafka:FetchWaitMaxMs=5",
            "--Simulator:Enabled=false", "--urls=http://127.0.0.1:0", $"--Orleans:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", $"--Failsafe:Enabled={options.Failsafe}",
            .. options.PostgreSql is { } pg ? new[] { "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Orleans={pg}", "--Orleans:AdvertisedIPAddress=127.0.0.1" } : [],
        ];
        var silo = HeaterSiloHost.Build(args);
        await silo.StartAsync();
        return silo;
    }

    /// <summary>Records per second from the first record processed to the last.</summary>
    private static async Task<double> MeasureThroughputAsync(HeaterMetrics metrics, long records)
    {
        var clock = new Stopwatch();
        while (metrics.ReadingsTotal + metrics.SettingsTotal < records)
        {
            if (!clock.IsRunning && metrics.ReadingsTotal + metrics.SettingsTotal > 0)
            {
                clock.Start();
            }

            await Task.Delay(10);
        }

        return records / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Readings at a fixed rate, each one switching its heater, timed from the reading's Kafka timestamp to
    /// the arrival of its command at a plain consumer.
    /// </summary>
    private async Task<(int, double, double, double)> MeasureLatencyAsync(string bootstrap, WorkloadWriter writer)
    {
        const int sensors = 500;
        await SettleAsync(() => writer.Settings(Settings, LatencySensorBase, sensors, _ => 20), sensors);

        using var commands = CommandsFromNow(bootstrap);
        var latencies = new List<double>();
        var total = options.Rate * options.LatencySeconds;
        var collector = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(options.LatencySeconds + 30);
            while (latencies.Count < total && DateTime.UtcNow < deadline)
            {
                if (commands.Consume(TimeSpan.FromMilliseconds(100)) is { } record &&
                    record.Message.Headers.TryGetLastBytes(CommandHeaders.ReadingTime, out var time))
                {
                    latencies.Add((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Encoding.ASCII.GetString(time)))).TotalMilliseconds);
                }
            }
        });

        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < total; sent++)
        {
            // Pace: reading n leaves at n / rate seconds; each sensor alternates below and above its band.
            while (clock.Elapsed.TotalSeconds < (double)sent / options.Rate)
            {
                await Task.Delay(1);
            }

            var sensor = LatencySensorBase + (sent % sensors);
            writer.Produce(Readings, sensor, new SensorData { SensorID = sensor, Temperature = (sent / sensors) % 2 == 0 ? 10 : 30 });
        }

        writer.Flush();
        await collector;
        latencies.Sort();
        return (latencies.Count, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), Percentiles.Of(latencies, 99.9));
    }

    /// <summary>From producing a new setting to the first command it causes (readings keep coming every 5 ms).</summary>
    private async Task<(double, double)> MeasureSettingToEffectAsync(string bootstrap, WorkloadWriter writer)
    {
        var samples = options.SettingSamples;
        await SettleAsync(() => writer.Settings(Settings, SettingSensorBase, samples, _ => 20), samples);
        using var commands = CommandsFromNow(bootstrap);
        var effects = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var sensor = SettingSensorBase + i;
            var started = Stopwatch.GetTimestamp();
            writer.Produce(Settings, sensor, new TemperatureControl { SensorID = sensor, Desired = 30, UpDelta = 0.5, DownDelta = 0.5 });
            writer.Flush();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                writer.Produce(Readings, sensor, new SensorData { SensorID = sensor, Temperature = 25 });
                writer.Flush();
                if (commands.Consume(TimeSpan.FromMilliseconds(5)) is { } record && HeaterControl.Parser.ParseFrom(record.Message.Value).SensorID == sensor)
                {
                    effects.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
            }
        }

        effects.Sort();
        return (Percentiles.Of(effects, 50), Percentiles.Of(effects, 99));
    }

    /// <summary>Activates sensors (through their settings) up to <paramref name="target"/> and measures memory per sensor.</summary>
    private async Task<MemoryPoint> MeasureMemoryAsync(WorkloadWriter writer, int target)
    {
        var (idleManaged, idleRss, idleActive) = Measure();
        var next = MemorySensorBase + (int)Math.Max(0, GrainMetrics.Active - options.Sensors);
        // In chunks: the embedded broker keeps only about 5 MiB per partition.
        while (GrainMetrics.Active < target)
        {
            var chunk = (int)Math.Min(50_000, target - GrainMetrics.Active);
            var first = next;
            await SettleAsync(() => writer.Settings(Settings, first, chunk), chunk);
            next += chunk;
        }

        var (managed, rss, active) = Measure();
        var added = Math.Max(1, active - idleActive);
        return new MemoryPoint((int)active, managed, rss, (double)(managed - idleManaged) / added, (double)(rss - idleRss) / added);
    }

    private static (long Managed, long Rss, long Active) Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64, GrainMetrics.Active);
    }

    /// <summary>Sends settings and waits until the service has applied all of them.</summary>
    private async Task SettleAsync(Action send, int settings)
    {
        var settled = _metrics!.SettingsTotal + settings;
        send();
        while (_metrics.SettingsTotal < settled)
        {
            await Task.Delay(20);
        }
    }

    private IConsumer<byte[]?, byte[]?> CommandsFromNow(string bootstrap)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-probe", FetchWaitMaxMs = 1 }).Build();
        // The ends as of now, explicitly: Offset.End would be resolved at the first fetch and miss what came before.
        consumer.Assign(Enumerable.Range(0, options.Partitions).Select(p =>
        {
            var partition = new TopicPartition(Commands, p);
            return new TopicPartitionOffset(partition, consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High);
        }));
        return consumer;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
