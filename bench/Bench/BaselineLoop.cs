using System.Runtime.CompilerServices;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Bench;

/// <summary>
/// The machine's limit for the job: a bare Confluent loop with no Orleans. Consume readings and settings,
/// decode, keep per-sensor state in a dictionary, apply the same control law, produce commands on change,
/// commit. The service's throughput and CPU per record are reported against this.
/// </summary>
internal sealed class BaselineLoop
{
    private long _processed;
    private StrongBox<CpuTimes>? _firstRecord; // boxed: read from the meter's thread, never torn

    /// <summary>Records consumed so far; the last one counts only once its commands are flushed and its offset committed.</summary>
    public long Processed => Volatile.Read(ref _processed);

    /// <summary>Commands produced (read once <see cref="Run"/> has returned).</summary>
    public long Commands { get; private set; }

    /// <summary>The clock as the first record arrived (null before), read here: the loop is too quick to time by polling.</summary>
    public CpuTimes? FirstRecord => Volatile.Read(ref _firstRecord)?.Value;

    public void Run(string bootstrapServers, PhaseTopics topics, long records, CpuClock cpu)
    {
        var (readings, settings, commands) = (topics.Readings, topics.Settings, topics.Commands);
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = topics.GroupId,
            AutoCommitIntervalMs = 1000, // as the service and the peer commit
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoOffsetStore = false,
            FetchWaitMaxMs = ClientTuning.FetchWaitMaxMs,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(consumerConfig).Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = ClientTuning.LingerMs,
            Acks = Acks.All,
            EnableIdempotence = true,
        }).Build();
        consumer.Subscribe([readings, settings]);

        var state = new Dictionary<int, (SensorSetting? Setting, HeaterAction? Last)>();
        long seen = 0;
        while (seen < records)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null)
            {
                continue;
            }

            if (seen++ == 0)
            {
                Volatile.Write(ref _firstRecord, new StrongBox<CpuTimes>(cpu.Read()));
            }

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
                    Commands++;
                    producer.Produce(commands, new Message<byte[]?, byte[]> { Key = record.Message.Key, Value = MessageCodec.Encode(action.ToMessage(r.SensorID)) });
                }
            }

            consumer.StoreOffset(record);
            if (seen < records)
            {
                Volatile.Write(ref _processed, seen);
            }
        }

        producer.Flush();
        consumer.Commit();
        Volatile.Write(ref _processed, seen);
        consumer.Close();
    }
}
