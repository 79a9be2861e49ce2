using Confluent.Kafka;

namespace HeaterOrleans.Chaos;

/// <summary>Reads a whole topic, every partition from its start to its current end, each in offset order.</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrapServers, string topic, int partitions, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "chaos-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
            FetchWaitMaxMs = 5,
        }).SetLogHandler((_, _) => { }).Build();
        var ends = new Dictionary<int, long>();
        for (var p = 0; p < partitions; p++)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            if (marks.Low.Value > 0)
            {
                // The mock broker keeps at most 5 MiB per partition: a check on a truncated topic would be wrong.
                throw new InvalidOperationException(
                    $"{topic}[{p}] starts at offset {marks.Low.Value}: the broker dropped records (retention); run with fewer readings.");
            }

            if (marks.High.Value > 0)
            {
                ends[p] = marks.High.Value;
            }
        }

        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + timeout;
        var pending = new HashSet<int>(ends.Keys);
        while (pending.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"reading {topic}: partitions [{string.Join(",", pending)}] not read to their end within {timeout}");
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            records.Add(record);
            if (record.Offset.Value >= ends[record.Partition.Value] - 1)
            {
                pending.Remove(record.Partition.Value);
                consumer.Pause([record.TopicPartition]);
            }
        }

        return records;
    }
}
