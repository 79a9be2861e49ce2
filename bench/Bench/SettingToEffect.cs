using System.Diagnostics;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Bench;

/// <summary>From producing a new setting to the first command it causes (a reading follows every 5 ms until then).</summary>
internal static class SettingToEffect
{
    private const int FirstSensor = 3_000_000;

    public static async Task<LatencyStats> MeasureAsync(ServiceVariant service, PhaseKafka kafka, int samples)
    {
        var writer = kafka.Writer;
        await Settle.SettingsAsync(service, () => writer.Settings(service.Topics.Settings, FirstSensor, samples, _ => 20), samples);
        using var commands = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers, GroupId = "bench-probe", FetchWaitMaxMs = ClientTuning.FetchWaitMaxMs, EnableAutoCommit = false,
        }).Build();
        LatencyProbe.AssignAtEnd(commands, service.Topics.Commands);
        var effects = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var sensor = FirstSensor + i;
            var started = Stopwatch.GetTimestamp();
            writer.Produce(service.Topics.Settings, sensor, new TemperatureControl { SensorID = sensor, Desired = 30, UpDelta = 0.5, DownDelta = 0.5 });
            writer.Flush();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                writer.Produce(service.Topics.Readings, sensor, new SensorData { SensorID = sensor, Temperature = 25 });
                writer.Flush();
                if (commands.Consume(TimeSpan.FromMilliseconds(5)) is { } record && HeaterControl.Parser.ParseFrom(record.Message.Value).SensorID == sensor)
                {
                    effects.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
            }
        }

        commands.Close();
        return LatencyStats.Of(effects);
    }
}
