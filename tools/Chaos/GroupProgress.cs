using Confluent.Kafka;

namespace HeaterOrleans.Chaos;

/// <summary>
/// Where the service's consumer group stands: its committed offsets against the high watermarks of the input
/// topics. A plain consumer of that group id that never subscribes, so it never joins the group (and never
/// the admin API's ListConsumerGroups, which crashes the mock broker).
/// </summary>
internal sealed class GroupProgress : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly Lock _gate = new();

    public GroupProgress(string bootstrapServers, int partitions)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = Topics.Group,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        Partitions = [.. new[] { Topics.Readings, Topics.Settings }
            .SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p)))];
    }

    /// <summary>The partitions of the readings and settings topics.</summary>
    public IReadOnlyList<TopicPartition> Partitions { get; }

    /// <summary>Committed offset of every partition (0 where nothing was committed: the topics start empty).</summary>
    /// <exception cref="KafkaException">The broker did not answer in time.</exception>
    public Dictionary<TopicPartition, long> Committed()
    {
        lock (_gate)
        {
            return _consumer.Committed(Partitions, RequestTimeout)
                .ToDictionary(c => c.TopicPartition, c => Math.Max(0, c.Offset.Value));
        }
    }

    /// <exception cref="KafkaException">The broker did not answer in time.</exception>
    public Dictionary<TopicPartition, long> HighWatermarks()
    {
        lock (_gate)
        {
            return Partitions.ToDictionary(p => p, p => _consumer.QueryWatermarkOffsets(p, RequestTimeout).High.Value);
        }
    }

    /// <summary>Readings committed by the group, over all partitions of the readings topic.</summary>
    public long CommittedReadings() => Committed().Where(c => c.Key.Topic == Topics.Readings).Sum(c => c.Value);

    /// <summary>
    /// Whether every partition of <paramref name="topics"/> is committed up to its end;
    /// <c>false</c> while the broker does not answer.
    /// </summary>
    public bool CaughtUp(params string[] topics)
    {
        try
        {
            var committed = Committed();
            var high = HighWatermarks();
            return Partitions.Where(p => topics.Contains(p.Topic)).All(p => committed[p] >= high[p]);
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _consumer.Dispose();
        }
    }
}
