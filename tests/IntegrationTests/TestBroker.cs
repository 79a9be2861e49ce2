using HeaterOrleans.Contracts.Codec;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Silo.Kafka.Embedded;

namespace HeaterOrleans.IntegrationTests;

/// <summary>An embedded broker for one test class, with its topics and plain Confluent clients around it.</summary>
public sealed class TestBroker : IDisposable
{
    public const string Readings = "sensor";
    public const string Settings = "tempset";
    public const string Commands = "heatercontrol";
    public const string DeadLetter = "heater-deadletter";

    private readonly Dictionary<string, int> _partitions = [];
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;

    public TestBroker(int partitions = 4, params string[] topics)
    {
        Broker = EmbeddedKafkaBroker.Start(brokerCount: 1);
        foreach (var topic in topics.Length > 0 ? topics : [Readings, Settings, Commands, DeadLetter])
        {
            Broker.CreateTopic(topic, partitions);
            _partitions[topic] = partitions;
        }

        _producer = new(() => new ProducerBuilder<byte[]?, byte[]?>(
            new ProducerConfig
            {
                BootstrapServers = BootstrapServers, LingerMs = 1, Acks = Acks.All, Partitioner = Partitioner.Murmur2Random,
                // After a broker outage, deliver what waited within a second rather than librdkafka's backoff of up to 10 s.
                ReconnectBackoffMaxMs = 1000,
            }).Build());
    }

    public EmbeddedKafkaBroker Broker { get; }

    public string BootstrapServers => Broker.BootstrapServers;

    public static byte[] Key(int sensorId) => SensorKey.Encode(sensorId);

    /// <summary>The last value of header <paramref name="name"/> as text, or null when the record has none.</summary>
    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(
        string topic, byte[]? key, byte[]? value, Headers? headers = null, int? partition = null)
    {
        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers };
        return partition is { } p
            ? _producer.Value.ProduceAsync(new TopicPartition(topic, p), message)
            : _producer.Value.ProduceAsync(topic, message);
    }

    /// <summary>A message keyed by its sensor ID, as our own producers send it.</summary>
    public Task<DeliveryResult<byte[]?, byte[]?>> SendAsync(string topic, int sensorId, IMessage message, Headers? headers = null) =>
        ProduceAsync(topic, Key(sensorId), message.ToByteArray(), headers);

    /// <summary>
    /// Every record of <paramref name="topic"/> up to its current end, partition by partition. A partition not read
    /// to its end within a minute fails loudly: a partial list would read as lost commands.
    /// </summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-reader",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
        }).Build();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        for (var p = 0; p < _partitions[topic]; p++)
        {
            var partition = new TopicPartition(topic, p);
            var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            if (end == 0)
            {
                continue;
            }

            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            for (var last = -1L; last < end - 1;)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{partition} read up to offset {last} of {end - 1} within 60 s");
                }

                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
                {
                    records.Add(record);
                    last = record.Offset.Value;
                }
            }
        }

        return records;
    }

    /// <summary>Committed offsets of <paramref name="groupId"/> have reached the end of every partition of the topics.</summary>
    public bool GroupCaughtUp(string groupId, params string[] topics)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        }).Build();
        var partitions = topics.SelectMany(t => Enumerable.Range(0, _partitions[t]).Select(p => new TopicPartition(t, p))).ToList();
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(c => c.TopicPartition, c => c.Offset.Value);
        return partitions.All(p =>
        {
            var end = consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value;
            return end == 0 || committed.GetValueOrDefault(p, -1) >= end;
        });
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Dispose();
        }

        Broker.Dispose();
    }
}
