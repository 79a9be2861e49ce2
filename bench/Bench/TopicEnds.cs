using Confluent.Kafka;

namespace HeaterOrleans.Bench;

/// <summary>
/// The records a topic has received so far (the sum of its partitions' high watermarks), read again and again on one
/// client: a phase's topic is fresh and only its producer writes to it, so this is what the producer has offered.
/// </summary>
internal sealed class TopicEnds : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly List<TopicPartition> _partitions;

    public TopicEnds(string bootstrapServers, string topic)
    {
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-probe" }).Build();
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _partitions = admin.GetMetadata(topic, Timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
    }

    public long Total() => _partitions.Sum(p => _consumer.QueryWatermarkOffsets(p, Timeout).High.Value);

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
