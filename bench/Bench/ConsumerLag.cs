using Confluent.Kafka;

namespace HeaterOrleans.Bench;

/// <summary>
/// A consumer group's committed lag on a topic, and what the broker keeps of it: the records between its committed offsets and the ends of the
/// partitions (read with OffsetFetch and ListOffsets, which the embedded broker answers; it does not join the group).
/// </summary>
internal static class ConsumerLag
{
    public static long Of(string bootstrapServers, string groupId, string topic)
    {
        var timeout = TimeSpan.FromSeconds(10);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers, GroupId = groupId, EnableAutoCommit = false,
        }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var committed = consumer.Committed(partitions, timeout).ToDictionary(c => c.Partition, c => c.Offset);
        return partitions.Sum(p =>
        {
            var ends = consumer.QueryWatermarkOffsets(p, timeout);
            var from = committed.TryGetValue(p.Partition, out var offset) && offset != Offset.Unset ? offset.Value : ends.Low.Value;
            return Math.Max(0, ends.High.Value - from);
        });
    }

    /// <summary>Records the broker still keeps in <paramref name="topic"/> (the embedded broker trims behind the phase's group).</summary>
    public static long Retained(string bootstrapServers, string topic)
    {
        var timeout = TimeSpan.FromSeconds(10);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-probe" }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        return admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Sum(p =>
        {
            var ends = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), timeout);
            return ends.High.Value - ends.Low.Value;
        });
    }
}
