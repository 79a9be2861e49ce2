using System.Diagnostics;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// The Kafka ingress bridge: one consumer per silo in the shared group, subscribed to the readings and
/// settings topics. Each record is decoded and handed to its sensor grain; records of one sensor run
/// strictly in consumption order, different sensors in parallel. A partition's offset is stored for
/// commit only up to its lowest record not yet acknowledged. Bad records go to the dead-letter topic;
/// transient failures are retried with backoff and never skipped.
/// </summary>
internal sealed partial class KafkaIngressService : BackgroundService, IHostedLifecycleService
{
    // Longest wait for a free slot without polling; well below max.poll.interval.ms.
    private static readonly TimeSpan ShortStall = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly KafkaClientFactory _kafka;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly HeaterMetrics _metrics;
    private readonly IngressOptions _options;
    private readonly ILogger<KafkaIngressService> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly SerialLanes<int> _lanes = new();
    private readonly Dictionary<TopicPartition, PartitionOffsets> _partitions = [];
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private bool _hasAssignment;
    private DateTime _nextLagMeasurement;
    private long _lastStored;
    private readonly HashSet<TopicPartition> _lagMeasured = [];
    private int _assignedPartitions;

    // Cancels the processing of records still in flight once a stop has waited the drain timeout for them.
    private readonly CancellationTokenSource _abandon = new();
    private readonly string _readingsTopic;
    private readonly string _settingsTopic;

    public KafkaIngressService(
        IGrainFactory grains,
        KafkaClientFactory kafka,
        DeadLetterPublisher deadLetters,
        HeaterMetrics metrics,
        IOptions<IngressOptions> options,
        ILogger<KafkaIngressService> logger)
    {
        _grains = grains;
        _kafka = kafka;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _inFlight = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        _readingsTopic = kafka.Options.Topics.Readings;
        _settingsTopic = kafka.Options.Topics.Settings;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && e is not OperationCanceledException &&
                    (FailureClassifier.IsTransient(e) || args.AttemptNumber + 1 < _options.MaxPermanentFailureAttempts)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    // The message is enough here: the component that failed has logged the details.
                    LogRetrying(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.GetBaseException().Message);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Whether the consumer has joined its group and received an assignment (possibly empty).</summary>
    public bool HasAssignment => Volatile.Read(ref _hasAssignment);

    /// <summary>Partitions this silo consumes.</summary>
    public int AssignedPartitions => Volatile.Read(ref _assignedPartitions);

    /// <summary>Records handed to grains and not yet acknowledged.</summary>
    public int InFlight => _options.MaxInFlight - _inFlight.CurrentCount;

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
        _abandon.Dispose();
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
        using var consumer = _kafka.CreateConsumerBuilder<byte[]?, byte[]?, KafkaIngressService>(_kafka.Options.GroupId)
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((c, revoked) => OnRevoked(c, revoked.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, lost) => OnLost(lost.Select(p => p.TopicPartition).ToList()))
            .Build();
        consumer.Subscribe([_readingsTopic, _settingsTopic]);
        LogStarted(_logger, _readingsTopic, _settingsTopic, _kafka.Options.GroupId);

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

            StoreCommittable(consumer);
            MeasureLag(consumer);
            if (record is null || record.IsPartitionEOF)
            {
                continue;
            }

            if (!_inFlight.Wait(0) && !WaitForRoom(consumer, stoppingToken))
            {
                break; // stopping: this record was not dispatched and is consumed again next time
            }

            Dispatch(record, _abandon.Token);
        }

        // Graceful stop: no new records; let those in flight finish, then commit what was acknowledged.
        // Records still failing after the drain timeout (an outage) are abandoned uncommitted: the next owner
        // of their partitions consumes them again.
        if (!WaitUntil(() => InFlight == 0))
        {
            _abandon.Cancel();
            WaitUntil(() => InFlight == 0);
        }

        Commit(consumer, [.. _partitions.Keys]);
        Volatile.Write(ref _hasAssignment, false);
        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            LogCloseFailed(_logger, e);
        }
    }

    /// <summary>
    /// In-flight limit reached. A short stall just stops polling: librdkafka keeps prefetching up to its queue
    /// limits and heartbeats in the background, and consumption goes on with no gap. A long one (grains
    /// stalled on a broker or database outage) pauses the partitions and keeps polling, so the consumer
    /// stays in its group and takes part in rebalances however long it lasts. Pausing discards what was
    /// prefetched and refetches it from the consumed position on resume (librdkafka's fetcher only notices a
    /// resume at its next 1 s tick, which is why short stalls do not pause). A record that arrives meanwhile
    /// from a partition assigned during the pause is handed back (seek) and its partition paused too.
    /// </summary>
    /// <returns><c>true</c> with a slot taken; <c>false</c> when stopping before one came free.</returns>
    private bool WaitForRoom(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        try
        {
            if (_inFlight.Wait(ShortStall, stoppingToken))
            {
                return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        consumer.Pause(consumer.Assignment);
        LogPaused(_logger, _options.MaxInFlight);
        try
        {
            // Resume only when a quarter of the slots is free, so as not to flap between paused and running.
            var resumeAt = Math.Max(1, _options.MaxInFlight / 4);
            while (_inFlight.CurrentCount < resumeAt)
            {
                Thread.Sleep(10);
                if (stoppingToken.IsCancellationRequested)
                {
                    return false;
                }

                if (consumer.Consume(TimeSpan.Zero) is { IsPartitionEOF: false } early)
                {
                    consumer.Seek(early.TopicPartitionOffset);
                    consumer.Pause([early.TopicPartition]);
                }

                StoreCommittable(consumer);
            }

            return _inFlight.Wait(0);
        }
        finally
        {
            consumer.Resume(consumer.Assignment);
            LogResumed(_logger);
        }
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> record, CancellationToken abandonToken)
    {
        var offsets = _partitions[record.TopicPartition];
        var offset = record.Offset.Value;
        offsets.Begin(offset);

        var work = Process(record, abandonToken);
        work.ContinueWith(
            done =>
            {
                // A failed record stays pending: its offset, and every later one, is not committed.
                if (done.IsCompletedSuccessfully)
                {
                    offsets.Complete(offset);
                }

                _inFlight.Release();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task Process(ConsumeResult<byte[]?, byte[]?> record, CancellationToken abandonToken)
    {
        var value = record.Message.Value ?? [];
        if (record.Topic == _readingsTopic)
        {
            var decoded = MessageCodec.DecodeReading(value);
            if (!decoded.IsValid)
            {
                return DeadLetter(record, DeadLetterPublisher.Invalid, decoded.Error!, abandonToken);
            }

            var sensorId = decoded.Message!.SensorID;
            var reading = new SensorReading(decoded.Message.Temperature, record.Message.Timestamp.UtcDateTime);
            return _lanes.Enqueue(sensorId, () => Deliver(
                record, sensorId, () => _grains.GetGrain<ISensorGrain>(sensorId).ApplyReadingAsync(reading), _metrics.ReadingProcessed, abandonToken));
        }

        var setting = MessageCodec.DecodeSetting(value);
        if (!setting.IsValid)
        {
            return DeadLetter(record, DeadLetterPublisher.Invalid, setting.Error!, abandonToken);
        }

        var id = setting.Message!.SensorID;
        var newSetting = setting.Message.ToSetting();
        return _lanes.Enqueue(id, () => Deliver(
            record, id, () => _grains.GetGrain<ISensorGrain>(id).ApplySettingAsync(newSetting), _metrics.SettingProcessed, abandonToken));
    }

    private async Task Deliver(
        ConsumeResult<byte[]?, byte[]?> record, int sensorId, Func<Task> call, Action counted, CancellationToken abandonToken)
    {
        // The span is the parent of the grain call (Orleans propagates it) and so of the command it sends.
        using var activity = HeaterTelemetry.StartConsume(record, sensorId);
        try
        {
            await _retry.ExecuteAsync(async _ => await call(), abandonToken);
            counted();
        }
        catch (Exception e) when (e is not OperationCanceledException && !FailureClassifier.IsTransient(e))
        {
            // Valid on the wire, yet its processing keeps failing for a reason no retry will mend.
            var reason = $"processing failed {_options.MaxPermanentFailureAttempts} times: {e.GetType().Name}: {e.Message}";
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            await _retry.ExecuteAsync(
                async token => await _deadLetters.PublishAsync(record, DeadLetterPublisher.ProcessingFailed, reason, token), abandonToken);
        }
    }

    private async Task DeadLetter(ConsumeResult<byte[]?, byte[]?> record, string kind, string reason, CancellationToken abandonToken)
    {
        using var activity = HeaterTelemetry.StartConsume(record, sensorId: null);
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        await _retry.ExecuteAsync(async token => await _deadLetters.PublishAsync(record, kind, reason, token), abandonToken);
    }

    /// <summary>
    /// Stores each partition's committable offset for the periodic commit. Called after every poll, but does
    /// the work at most every few milliseconds: the commit itself only runs every second.
    /// </summary>
    private void StoreCommittable(IConsumer<byte[]?, byte[]?> consumer)
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
                consumer.StoreOffset(new TopicPartitionOffset(partition, next));
            }
        }
    }

    /// <summary>Lag per assigned partition, from the watermarks the fetches bring back (no broker request).</summary>
    private void MeasureLag(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (DateTime.UtcNow < _nextLagMeasurement)
        {
            return;
        }

        _nextLagMeasurement = DateTime.UtcNow.AddSeconds(1);
        foreach (var partition in _partitions.Keys)
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            var position = consumer.Position(partition);
            if (high != Offset.Unset && position != Offset.Unset)
            {
                _metrics.Lag[partition] = Math.Max(0, high.Value - position.Value);
            }
        }

        // Forget the partitions this silo measured and no longer owns (the gauge is shared by the process).
        foreach (var gone in _lagMeasured.Where(p => !_partitions.ContainsKey(p)).ToList())
        {
            _metrics.Lag.TryRemove(gone, out _);
            _lagMeasured.Remove(gone);
        }

        _lagMeasured.UnionWith(_partitions.Keys);
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        foreach (var partition in assigned)
        {
            _partitions[partition] = new PartitionOffsets();
        }

        Volatile.Write(ref _assignedPartitions, _partitions.Count);
        Volatile.Write(ref _hasAssignment, true);

        LogAssigned(_logger, Describe(assigned));
    }

    /// <summary>
    /// Before a partition goes to another silo, let its in-flight records finish (up to the drain timeout)
    /// and commit them, so the new owner repeats as little as possible.
    /// </summary>
    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> revoked)
    {
        // Nothing in flight at all also ends the wait: a record abandoned at stop stays pending for good.
        var tracked = revoked.Where(_partitions.ContainsKey).Select(p => _partitions[p]).ToList();
        WaitUntil(() => InFlight == 0 || tracked.All(o => o.PendingCount == 0));
        Commit(consumer, revoked);
        foreach (var partition in revoked)
        {
            _partitions.Remove(partition);
        }

        Volatile.Write(ref _assignedPartitions, _partitions.Count);

        LogRevoked(_logger, Describe(revoked));
    }

    private void OnLost(List<TopicPartition> lost)
    {
        // Another member may already own them: committing now could overwrite its progress.
        foreach (var partition in lost)
        {
            _partitions.Remove(partition);
        }

        Volatile.Write(ref _assignedPartitions, _partitions.Count);
        Volatile.Write(ref _hasAssignment, false);

        LogLost(_logger, Describe(lost));
    }

    private bool WaitUntil(Func<bool> drained)
    {
        var deadline = DateTime.UtcNow + _options.DrainTimeout;
        while (!drained() && DateTime.UtcNow < deadline)
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

    /// <summary>
    /// Commits everything acknowledged in <paramref name="partitions"/> now. The offsets are stored as well:
    /// librdkafka commits the stored offsets once more when the consumer closes, and stored offsets older
    /// than this commit would move the group back.
    /// </summary>
    private void Commit(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
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
            LogCommitFailed(_logger, e, e.Error.Reason);
        }
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{string.Join(",", g.Select(p => p.Partition.Value))}]"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress consuming {Readings} and {Settings} in group {GroupId}")]
    private static partial void LogStarted(ILogger logger, string readings, string settings, string groupId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress paused: {MaxInFlight} records in flight for over a second")]
    private static partial void LogPaused(ILogger logger, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress resumed")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress assigned {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress revoked {Partitions}")]
    private static partial void LogRevoked(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress lost {Partitions}")]
    private static partial void LogLost(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress consume failed: {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record processing failed, retry {Attempt} in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pending} records still in flight after {Timeout}; they will be consumed again")]
    private static partial void LogDrainTimedOut(ILogger logger, int pending, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress did not finish draining within the host's shutdown timeout")]
    private static partial void LogStopTimedOut(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress offset commit failed: {Reason}")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress consumer close failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
