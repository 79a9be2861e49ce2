using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// Keeps the embedded broker's partition logs short while it runs. librdkafka's mock finds every fetch offset by
/// walking the partition's log from its oldest batch and keeps up to 100,000 batches per partition, so under
/// continuous traffic each fetch gets slower as the logs fill (5,000 msg/s: p99 of one hop 18 s). Every
/// <see cref="EmbeddedKafkaOptions.TrimInterval"/> this drops what is both older than
/// <see cref="EmbeddedKafkaOptions.Retention"/> (or beyond the last <see cref="EmbeddedKafkaOptions.MaxRetainedRecords"/>
/// of its partition) and committed by every protected group, so a stalled consumer
/// never loses a record it has not processed, and an outside reader still sees the last window.
/// </summary>
public sealed partial class EmbeddedLogTrimmer : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly EmbeddedKafkaBroker _broker;
    private readonly TimeSpan _retention;
    private readonly int _maxRetained;
    private readonly IReadOnlyList<ProtectedGroup> _groups;
    private readonly ILogger _logger;
    private readonly IAdminClient _admin;
    private readonly Dictionary<TopicPartition, HighWatermarkHistory> _history = [];
    private readonly Dictionary<TopicPartition, long> _trimmedTo = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _failing;
    private int _disposed;

    public EmbeddedLogTrimmer(EmbeddedKafkaBroker broker, EmbeddedKafkaOptions options, IReadOnlyList<ProtectedGroup> groups, ILogger logger)
    {
        _broker = broker;
        _retention = options.Retention;
        _maxRetained = options.MaxRetainedRecords;
        _groups = groups;
        _logger = logger;
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers, LogConnectionClose = false })
            .SetLogHandler((_, _) => { })
            .Build();
        _loop = RunAsync(options.TrimInterval, _stop.Token);
    }

    /// <summary>Records dropped from all partitions so far.</summary>
    public long Trimmed { get; private set; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _admin.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await TrimOnceAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every partition of every topic the broker created.</summary>
    internal async Task TrimOnceAsync(CancellationToken cancellationToken)
    {
        var partitions = _broker.Topics
            .SelectMany(t => Enumerable.Range(0, t.Value).Select(p => new TopicPartition(t.Key, p)))
            .ToList();
        if (partitions.Count == 0)
        {
            return;
        }

        try
        {
            var now = Environment.TickCount64;
            var ends = await _admin.ListOffsetsAsync(
                partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }),
                new ListOffsetsOptions { RequestTimeout = RequestTimeout });
            var bounds = await CommittedBoundsAsync(partitions);
            foreach (var end in ends.ResultInfos.Select(r => r.TopicPartitionOffsetError))
            {
                if (end.Error.IsError || end.Offset.IsSpecial)
                {
                    continue;
                }

                var partition = end.TopicPartition;
                if (!_history.TryGetValue(partition, out var history))
                {
                    _history[partition] = history = new HighWatermarkHistory(_retention);
                }

                history.Add(now, end.Offset.Value);
                var expired = Math.Max(history.OlderThanWindow(now), end.Offset.Value - _maxRetained);
                var before = Math.Min(expired, bounds.GetValueOrDefault(partition, long.MaxValue));
                var trimmedTo = _trimmedTo.GetValueOrDefault(partition);
                if (before > trimmedTo)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _broker.DeleteRecords(partition.Topic, partition.Partition.Value, before);
                    _trimmedTo[partition] = before;
                    Trimmed += before - trimmedTo;
                }
            }

            if (_failing)
            {
                _failing = false;
                LogRecovered(_logger);
            }
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            // A broker set down for fault injection, say: try again next tick, and say so once.
            if (!_failing)
            {
                _failing = true;
                LogFailed(_logger, e, e.Message);
            }
        }
    }

    /// <summary>
    /// Per partition, the lowest offset a protected group has not committed; 0 (keep everything) where a group
    /// that reads the topic has not committed yet. Partitions absent from the result are unconstrained.
    /// </summary>
    private async Task<Dictionary<TopicPartition, long>> CommittedBoundsAsync(List<TopicPartition> partitions)
    {
        var bounds = new Dictionary<TopicPartition, long>();
        foreach (var group in _groups)
        {
            var committed = await CommittedAsync(group.GroupId, partitions);
            var readsTopics = group.Topics ?? (committed.Count == 0
                ? partitions.Select(p => p.Topic).ToHashSet()
                : committed.Keys.Select(p => p.Topic).ToHashSet());
            foreach (var partition in partitions.Where(p => readsTopics.Contains(p.Topic)))
            {
                var bound = committed.GetValueOrDefault(partition, 0);
                bounds[partition] = Math.Min(bound, bounds.GetValueOrDefault(partition, long.MaxValue));
            }
        }

        return bounds;
    }

    private async Task<Dictionary<TopicPartition, long>> CommittedAsync(string groupId, List<TopicPartition> partitions)
    {
        try
        {
            var results = await _admin.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(groupId, partitions)],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout });
            return results.SelectMany(r => r.Partitions)
                .Where(p => !p.Error.IsError && !p.Offset.IsSpecial)
                .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
        }
        catch (ListConsumerGroupOffsetsException e) when (e.Results.All(r => r.Error.Code == Confluent.Kafka.ErrorCode.GroupIdNotFound))
        {
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded Kafka: trimming the logs failed ({Reason}); trying again every interval")]
    private static partial void LogFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka: trimming the logs works again")]
    private static partial void LogRecovered(ILogger logger);
}
