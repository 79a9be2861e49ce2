using Confluent.Kafka;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Ingress;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeaterOrleans.UnitTests;

/// <summary>
/// Storing and committing offsets of a partition the consumer no longer holds fails in librdkafka (a real consumer,
/// no broker needed); the tracker reports it and goes on, because a throw there would end the consume loop.
/// </summary>
public class PartitionTrackerTests
{
    [Fact]
    public void Storing_or_committing_a_partition_the_consumer_does_not_hold_is_reported_not_thrown()
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = "127.0.0.1:9", GroupId = "tracker", EnableAutoOffsetStore = false,
        }).Build();
        var partition = new TopicPartition("sensor", 0);
        var tracker = new PartitionTracker(new HeaterMetrics(), NullLogger.Instance);
        tracker.Assign([partition]);
        var offsets = tracker[partition];
        offsets.Complete(offsets.Begin(41));

        // What librdkafka does with it: the error the tracker must absorb.
        Assert.Throws<KafkaException>(() => consumer.StoreOffset(new TopicPartitionOffset(partition, 42)));

        tracker.StoreCommittable(consumer);
        offsets.Complete(offsets.Begin(42));
        Assert.Equal(43, offsets.Committable);
        tracker.Commit(consumer, [partition]);
    }
}
