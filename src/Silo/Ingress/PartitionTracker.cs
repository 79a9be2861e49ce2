using Confluent.Kafka;
using HeaterOrleans.Silo.Diagnostics;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// The partitions this silo consumes and, for each, what may be committed: assignment, revocation and loss, the
/// store of committable offsets for the periodic commit, explicit commits, and consumer lag. Used from the consume
/// thread only (rebalance handlers run on it too), except <see cref="PartitionOffsets"/>, which completions update.
/// </summary>
internal sealed partial class PartitionTracker(HeaterMetrics metrics, ILogger logger)
{
    private readonly Dictionary<TopicPartition, PartitionOffsets> _partitions = [];
    private readonly HashSet<TopicPartition> _lagMeasured = [];
    private long _lastStored;
    private long _nextLagMeasurement;
    private int _count;
    private long _maxLag;

    /// <summary>Partitions assigned now; readable from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    public IReadOnlyCollection<TopicPartition> Assigned => _partitions.Keys;

    /// <summary>The largest lag of this silo's partitions at the last measurement; readable from any thread.</summary>
    public long MaxLag => Interlocked.Read(ref _maxLag);

    public PartitionOffsets this[TopicPartition partition] => _partitions[partition];

    public void Assign(IEnumerable<TopicPartition> assigned)
    {
        foreach (var partition in assigned)
        {
            _partitions[partition] = new PartitionOffsets();
        }

        Volatile.Write(ref _count, _partitions.Count);
    }

    /// <summary>Whether none of <paramref name="partitions"/> has a record in flight.</summary>
    public bool Drained(IEnumerable<TopicPartition> partitions) =>
        partitions.All(p => !_partitions.TryGetValue(p, out var offsets) || offsets.PendingCount == 0);

    /// <summary>Gives up the records in flight of <paramref name="partitions"/>: their retries stop, and they stay uncommitted.</summary>
    public void Abandon(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            if (_partitions.TryGetValue(partition, out var offsets))
            {
                offsets.Abandon();
            }
        }
    }

    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _partitions.Remove(partition);
        }

        Volatile.Write(ref _count, _partitions.Count);
    }

    /// <summary>
    /// Stores each partition's committable offset for the periodic commit. Called after every poll, but does the
    /// work at most every few milliseconds: the commit itself only runs every second.
    /// </summary>
    public void StoreCommittable(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        if (now - _lastStored < 10)
        {
            return;
        }

        _lastStored = now;
        foreach (var (partition, offsets) in _partitions)
        {
            if (offsets.TakeCommittable() is { } next)
            {
                try
                {
                    consumer.StoreOffset(new TopicPartitionOffset(partition, next));
                }
                catch (KafkaException e)
                {
                    // E.g. the partition was just taken away: the next owner starts from the last commit, which is
                    // safe. A throw here would end the consume loop.
                    LogStoreFailed(logger, e, partition.ToString(), e.Error.Reason);
                }
            }
        }
    }

    /// <summary>
    /// Commits everything acknowledged in <paramref name="partitions"/> now. The offsets are stored as well:
    /// librdkafka commits the stored offsets once more when the consumer closes, and stored offsets older than this
    /// commit would move the group back.
    /// </summary>
    public void Commit(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> partitions)
    {
        var commits = partitions.Where(_partitions.ContainsKey)
            .Select(p => (Partition: p, Next: _partitions[p].Committable))
            .Where(c => c.Next is not null)
            .Select(c => new TopicPartitionOffset(c.Partition, c.Next!.Value))
            .ToList();
        if (commits.Count == 0)
        {
            return;
        }

        try
        {
            commits.ForEach(consumer.StoreOffset);
            consumer.Commit(commits);
        }
        catch (KafkaException e)
        {
            LogCommitFailed(logger, e, e.Error.Reason);
        }
    }

    /// <summary>Lag per assigned partition, from the watermarks the fetches bring back (no broker request), every second.</summary>
    public void MeasureLag(IConsumer<byte[]?, byte[]?> consumer)
    {
        var now = Environment.TickCount64;
        if (now < _nextLagMeasurement)
        {
            return;
        }

        _nextLagMeasurement = now + 1000;
        var maxLag = 0L;
        foreach (var partition in _partitions.Keys)
        {
            try
            {
                var high = consumer.GetWatermarkOffsets(partition).High;
                var position = consumer.Position(partition);
                if (high != Offset.Unset && position != Offset.Unset)
                {
                    var lag = Math.Max(0, high.Value - position.Value);
                    metrics.Lag[partition] = lag;
                    maxLag = Math.Max(maxLag, lag);
                }
            }
            catch (KafkaException)
            {
                // A gauge is not worth the consume loop: measured again in a second.
            }
        }

        Interlocked.Exchange(ref _maxLag, maxLag);

        // Forget the partitions this silo measured and no longer owns (the gauge is shared by the process).
        foreach (var gone in _lagMeasured.Where(p => !_partitions.ContainsKey(p)).ToList())
        {
            metrics.Lag.TryRemove(gone, out _);
            _lagMeasured.Remove(gone);
        }

        _lagMeasured.UnionWith(_partitions.Keys);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress could not store the offset of {Partition}: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress offset commit failed: {Reason}")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string reason);
}
