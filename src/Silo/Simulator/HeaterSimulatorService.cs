using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// Closes the loop for the local run: publishes each heater's setting once, then a reading per heater
/// every interval, and switches heaters on the commands it consumes from the commands topic.
/// It talks to the service only through Kafka, like real heaters would.
/// </summary>
internal sealed partial class HeaterSimulatorService(
    KafkaClientFactory kafka, SimulatedHeaters shown, IOptions<SimulatorOptions> options, ILogger<HeaterSimulatorService> logger) : BackgroundService
{
    private readonly SimulatorOptions _options = options.Value;
    private readonly Random _random = new(42);
    private long _readingsSent;
    private long _commandsSeen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heaters = Enumerable.Range(_options.FirstSensorId, _options.Heaters)
            .Select(id => new SimulatedHeater(
                id,
                temperature: 15 + (_random.NextDouble() * 10),
                setting: new SensorSetting(Desired: 19 + (id % 5), UpDelta: 0.5, DownDelta: 0.5)))
            .ToDictionary(h => h.SensorId);
        foreach (var heater in heaters.Values)
        {
            shown.Add(heater);
        }

        using var producer = kafka.CreateProducer<byte[], byte[], HeaterSimulatorService>();
        var topics = kafka.Options.Topics;
        await Task.WhenAll(heaters.Values.Select(h =>
            producer.ProduceAsync(topics.Settings, Record(h.SensorId, h.Setting.ToMessage(h.SensorId)), stoppingToken)));
        LogStarted(logger, heaters.Count, topics.Settings, topics.Readings, topics.Commands);

        var commands = Task.Factory.StartNew(
            () => FollowCommands(heaters, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        using var ticks = new PeriodicTimer(_options.ReadingInterval);
        var nextReport = DateTime.UtcNow + _options.ReportInterval;
        var (lastReadings, lastCommands, lastReport) = (0L, 0L, DateTime.UtcNow);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var heater in heaters.Values)
                {
                    heater.Step(_options.SimulatedTimePerReading);
                    var reading = new SensorData { SensorID = heater.SensorId, Temperature = heater.Read(_random) };
                    producer.Produce(topics.Readings, Record(heater.SensorId, reading), OnDelivered);
                }

                if (DateTime.UtcNow >= nextReport)
                {
                    var now = DateTime.UtcNow;
                    var seconds = (now - lastReport).TotalSeconds;
                    var (readings, seen) = (Interlocked.Read(ref _readingsSent), Interlocked.Read(ref _commandsSeen));
                    LogReport(logger, (readings - lastReadings) / seconds, (seen - lastCommands) / seconds, Describe(heaters.Values.Take(4)));
                    (lastReadings, lastCommands, lastReport) = (readings, seen, now);
                    nextReport = now + _options.ReportInterval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        producer.Flush(TimeSpan.FromSeconds(5));
        await commands;
    }

    private void FollowCommands(Dictionary<int, SimulatedHeater> heaters, CancellationToken stoppingToken)
    {
        // A fresh group per run would miss nothing either; the group lets a restarted simulator resume.
        using var consumer = kafka.CreateConsumerBuilder<byte[]?, byte[]?, HeaterSimulatorService>("heater-simulator").Build();
        consumer.Subscribe(kafka.Options.Topics.Commands);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var record = consumer.Consume(stoppingToken);
                consumer.StoreOffset(record);
                if (!TryParse(record.Message.Value, out var command))
                {
                    LogBadCommand(logger, record.TopicPartitionOffset.ToString());
                    continue;
                }

                if (heaters.TryGetValue(command.SensorID, out var heater))
                {
                    heater.Obey(command.Command == HeaterCommand.On, DateTimeOffset.UtcNow);
                    Interlocked.Increment(ref _commandsSeen);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    private static bool TryParse(byte[]? value, out HeaterControl command)
    {
        try
        {
            command = HeaterControl.Parser.ParseFrom(value ?? []);
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            command = new HeaterControl();
            return false;
        }
    }

    private void OnDelivered(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            LogProduceFailed(logger, report.Error.Reason);
            return;
        }

        Interlocked.Increment(ref _readingsSent);
    }

    private static Message<byte[], byte[]> Record(int sensorId, Google.Protobuf.IMessage message) => new()
    {
        Key = SensorKey.Encode(sensorId),
        Value = MessageCodec.Encode(message),
    };

    private static string Describe(IEnumerable<SimulatedHeater> heaters) => string.Join(" | ", heaters.Select(h =>
        string.Create(CultureInfo.InvariantCulture,
            $"#{h.SensorId} {h.Temperature,5:F2}°C {(h.IsOn ? "ON " : "off")} (set {h.Setting.Desired:F1}±{h.Setting.UpDelta:F1})")));

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator: {Heaters} heaters published their settings to {Settings}; reading to {Readings}, obeying {Commands}")]
    private static partial void LogStarted(ILogger logger, int heaters, string settings, string readings, string commands);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator: {ReadingsPerSecond:F1} readings/s, {CommandsPerSecond:F1} commands/s | {Heaters}")]
    private static partial void LogReport(ILogger logger, double readingsPerSecond, double commandsPerSecond, string heaters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator: ignored a command that is not a HeaterControl at {Position}")]
    private static partial void LogBadCommand(ILogger logger, string position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator: a reading was not delivered: {Reason}")]
    private static partial void LogProduceFailed(ILogger logger, string reason);
}
