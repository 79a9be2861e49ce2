using Confluent.Kafka;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Silo.Placement;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// The Kafka ingress bridge: one consumer per silo in the shared group, subscribed to the readings and settings
/// topics. The consume loop hands each record to the <see cref="RecordHandler"/> within the
/// <see cref="InFlightGate"/>'s bound, and the <see cref="PartitionTracker"/> commits each partition only up to its
/// lowest record not yet acknowledged. A graceful stop or a revocation drains what is in flight first.
/// </summary>
internal sealed partial class KafkaIngressService : BackgroundService, IHostedLifecycleService
{
    private readonly KafkaClientFactory _kafka;
    private readonly RecordHandler _handler;
    private readonly IngressOptions _options;
    private readonly ILogger<KafkaIngressService> _logger;
    private readonly InFlightGate _gate;
    private readonly PartitionTracker _partitions;
    private readonly IngressPartitions _consumed;
    private readonly ConsumerFetching _fetching;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<Task, object?> _completed;
    private bool _hasAssignment;

    public KafkaIngressService(
        KafkaClientFactory kafka,
        RecordHandler handler,
        HeaterMetrics metrics,
        IngressPartitions consumed,
        IOptions<IngressOptions> options,
        ILogger<KafkaIngressService> logger)
    {
        _consumed = consumed;
        _kafka = kafka;
        _handler = handler;
        _options = options.Value;
        _logger = logger;
        _gate = new InFlightGate(_options.MaxInFlight, _options.MaxInFlightBytes, logger);
        _partitions = new PartitionTracker(metrics, logger);
        _completed = Completed;
        _fetching = new ConsumerFetching(kafka.Options.Topics.Readings);
    }

    /// <summary>Whether the consumer has joined its group and received an assignment (possibly empty).</summary>
    public bool HasAssignment => Volatile.Read(ref _hasAssignment);

    /// <summary>Partitions this silo consumes.</summary>
    public int AssignedPartitions => _partitions.Count;

    /// <summary>Whether consumption is stalled: the grains have not taken records for over a second.</summary>
    public bool Stalled => _gate.Paused;

    /// <summary>The largest lag of this silo's partitions, measured every second.</summary>
    public long MaxLag => _partitions.MaxLag;

    /// <summary>Why the consumer is not fetching its readings partitions now (see <see cref="ConsumerFetching"/>), or null.</summary>
    public string? NotFetching => _fetching.WhyNot();

    /// <summary>Records handed to grains and not yet acknowledged.</summary>
    public int InFlight => _gate.Count;

    /// <summary>
    /// The drain runs in the host's "stopping" phase, before any service is stopped: the silo begins its own
    /// shutdown there too (after this, as it was registered first), and in-flight records need it running.
    /// </summary>
    async Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (ExecuteTask is { } running)
        {
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out first; the loop finishes on its own thread.
                LogStopTimedOut(_logger);
            }
        }
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _stopping.Token);
        // Consume() blocks; the loop gets a thread of its own.
        return Task.Factory.StartNew(
            () =>
            {
                using (stop)
                {
                    Run(stop.Token);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = _kafka.CreateConsumerBuilder<byte[]?, byte[]?, KafkaIngressService>(
                _kafka.Options.GroupId, config => config.StatisticsIntervalMs ??= ConsumerFetching.StatisticsIntervalMs)
            .SetStatisticsHandler((_, json) => _fetching.OnStatistics(json, _partitions.Assigned))
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, revoked.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost.Select(p => p.TopicPartition).ToList()))
            .Build();
        var readings = _kafka.Options.Topics.Readings;
        var settings = _kafka.Options.Topics.Settings;
        consumer.Subscribe([readings, settings]);
        LogStarted(_logger, readings, settings, _kafka.Options.GroupId);

        while (!stoppingToken.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                LogConsumeFailed(_logger, e, e.Error.Reason);
                continue;
            }

            _partitions.StoreCommittable(consumer);
            _partitions.MeasureLag(consumer);
            if (record is null || record.IsPartitionEOF)
            {
                continue;
            }

            var bytes = RecordBytes.Of(record.Message);
            if (!_gate.TryEnter(bytes) && !_gate.WaitForRoom(consumer, bytes, () => _partitions.StoreCommittable(consumer), stoppingToken))
            {
                break; // stopping: this record was not dispatched and is consumed again next time
            }

            Dispatch(record, bytes);
        }

        // Graceful stop: no new records; let those in flight finish, then commit what was acknowledged.
        // Records still failing after the drain timeout (an outage) are abandoned uncommitted: the next owner
        // of their partitions consumes them again.
        if (!WaitUntil(() => InFlight == 0))
        {
            _partitions.Abandon([.. _partitions.Assigned]);
            WaitUntil(() => InFlight == 0);
        }

        _partitions.Commit(consumer, [.. _partitions.Assigned]);
        Volatile.Write(ref _hasAssignment, false);
        _consumed.Set([]);
        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            LogCloseFailed(_logger, e);
        }
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> record, int bytes)
    {
        var offsets = _partitions[record.TopicPartition];
        var ticket = offsets.Begin(record.Offset.Value);
        _handler.HandleAsync(record, offsets.Abandoned).ContinueWith(
            _completed,
            new Completion(offsets, ticket, bytes),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Completed(Task done, object? state)
    {
        // A failed record stays pending: its offset, and every later one, is not committed.
        var completion = (Completion)state!;
        if (done.IsCompletedSuccessfully)
        {
            completion.Offsets.Complete(completion.Ticket);
        }

        _gate.Exit(completion.Bytes);
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        _partitions.Assign(assigned);
        _consumed.Set(_partitions.Assigned);
        Volatile.Write(ref _hasAssignment, true);
        LogAssigned(_logger, Describe(assigned));
    }

    /// <summary>
    /// Before a partition goes to another silo, let its in-flight records finish (up to the drain timeout)
    /// and commit them, so the new owner repeats as little as possible. What is still in flight then (an outage) is
    /// abandoned: the new owner processes it, and this silo must not apply it later on top of the new owner's work.
    /// </summary>
    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> revoked)
    {
        // Nothing in flight at all also ends the wait: a record abandoned at stop stays pending for good.
        if (!WaitUntil(() => InFlight == 0 || _partitions.Drained(revoked)))
        {
            _partitions.Abandon(revoked);
        }

        _partitions.Commit(consumer, revoked);
        _partitions.Forget(revoked);
        _consumed.Set(_partitions.Assigned);
        LogRevoked(_logger, Describe(revoked));
    }

    private void OnLost(List<TopicPartition> lost)
    {
        // Another member may already own them: committing now could overwrite its progress, and applying what is
        // still in flight could undo it.
        _partitions.Abandon(lost);
        _partitions.Forget(lost);
        _consumed.Set(_partitions.Assigned);
        Volatile.Write(ref _hasAssignment, false);
        LogLost(_logger, Describe(lost));
    }

    private bool WaitUntil(Func<bool> drained)
    {
        var deadline = Environment.TickCount64 + (long)_options.DrainTimeout.TotalMilliseconds;
        while (!drained() && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        if (drained())
        {
            return true;
        }

        LogDrainTimedOut(_logger, InFlight, _options.DrainTimeout);
        return false;
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{string.Join(",", g.Select(p => p.Partition.Value))}]"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress consuming {Readings} and {Settings} in group {GroupId}")]
    private static partial void LogStarted(ILogger logger, string readings, string settings, string groupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress assigned {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress revoked {Partitions}")]
    private static partial void LogRevoked(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress lost {Partitions}")]
    private static partial void LogLost(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress consume failed: {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pending} records still in flight after {Timeout}; they will be consumed again")]
    private static partial void LogDrainTimedOut(ILogger logger, int pending, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress did not finish draining within the host's shutdown timeout")]
    private static partial void LogStopTimedOut(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress consumer close failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
