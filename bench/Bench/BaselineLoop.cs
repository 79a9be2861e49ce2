using System.Diagnostics;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Bench;

/// <summary>
/// The machine's limit for the job: a bare Confluent loop with no Orleans. Consume readings and settings,
/// decode, keep per-sensor state in a dictionary, apply the same control law, produce commands on change,
/// commit. The service's throughput is reported against this.
/// </summary>
internal static class BaselineLoop
{
    public static double Run(string bootstrapServers, string readings, string settings, string commands, long records)
    {
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-baseline",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoOffsetStore = false,
            FetchWaitMaxMs = 5,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(consumerConfig).Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 5,
            Acks = Acks.All,
            EnableIdempotence = true,
        }).Build();
        consumer.Subscribe([readings, settings]);

        var state = new Dictionary<int, (SensorSetting? Setting, HeaterAction? Last)>();
        var clock = new Stopwatch();
        long seen = 0;
        while (seen < records)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null)
            {
                continue;
            }

            clock.Start();
            seen++;
            if (record.Topic == settings)
            {
                if (MessageCodec.DecodeSetting(record.Message.Value ?? []) is { IsValid: true, Message: { } s })
                {
                    state[s.SensorID] = (s.ToSetting(), state.GetValueOrDefault(s.SensorID).Last);
                }
            }
            else if (MessageCodec.DecodeReading(record.Message.Value ?? []) is { IsValid: true, Message: { } r })
            {
                var (setting, last) = state.GetValueOrDefault(r.SensorID);
                if (ControlLaw.Decide(setting, last, r.Temperature) is { } action)
                {
                    state[r.SensorID] = (setting, action);
                    producer.Produce(commands, new Message<byte[]?, byte[]> { Key = record.Message.Key, Value = MessageCodec.Encode(action.ToMessage(r.SensorID)) });
                }
            }

            consumer.StoreOffset(record);
        }

        producer.Flush();
        consumer.Commit();
        clock.Stop();
        consumer.Close();
        return records / clock.Elapsed.TotalSeconds;
    }
}
