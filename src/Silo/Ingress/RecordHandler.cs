using System.Diagnostics;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Polly;
using Polly.Retry;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// What happens to one consumed record: decode it, queue it on its sensor's lane (one sensor's records run in
/// consumption order), call the sensor's grain, retry failures, and dead-letter what is invalid or keeps failing
/// for a permanent reason. The returned task completes once the record may be committed.
/// </summary>
internal sealed partial class RecordHandler
{
    private readonly SensorGrains _grains;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly HeaterMetrics _metrics;
    private readonly IngressOptions _options;
    private readonly FailureSummary _retries;
    private readonly ResiliencePipeline _retry;
    private readonly BatchingLanes<int, PendingRecord> _lanes;
    private readonly string _readingsTopic;
    private readonly ValueLimits _limits;
    private int _retrying;

    public RecordHandler(
        IGrainFactory grains,
        KafkaClientFactory kafka,
        DeadLetterPublisher deadLetters,
        HeaterMetrics metrics,
        IOptions<IngressOptions> options,
        IOptions<ValueLimits> limits,
        IConfiguration configuration,
        ILogger<RecordHandler> logger)
    {
        _grains = new SensorGrains(grains);
        _deadLetters = deadLetters;
        _metrics = metrics;
        _options = options.Value;
        _limits = limits.Value;
        // The message is enough here: the component that failed has logged the details. One line per interval, as an
        // outage fails every record in flight, each again on every retry.
        _retries = new FailureSummary(logger, "Record processing (retried with backoff)", TimeSpan.FromSeconds(10));
        _readingsTopic = kafka.Options.Topics.Readings;
        // A traced record goes alone, so that its trace (consume span -> grain call -> publish) is its own.
        _lanes = new(DeliverBatchAsync, TelemetryExtensions.TracesEnabled(configuration) ? 1 : _options.MaxBatch);
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // The first attempt ran before the pipeline (below), so attempt n of the pipeline is the (n+2)th.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && e is not OperationCanceledException &&
                    (FailureClassifier.IsTransient(e) || args.AttemptNumber + 2 < _options.MaxPermanentFailureAttempts)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    _retries.Failed(args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Records whose grain call failed and is being retried: while any is, processing is stalled.</summary>
    public int Retrying => Volatile.Read(ref _retrying);

    /// <param name="record">The record as consumed.</param>
    /// <param name="abandonToken">Cancelled when its partition gives up its records in flight: retries stop, the task fails.</param>
    public Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken abandonToken)
    {
        var value = record.Message.Value ?? [];
        SensorUpdate update;
        int sensorId;
        if (record.Topic == _readingsTopic)
        {
            var reading = MessageCodec.DecodeReading(value, _limits);
            if (!reading.IsValid)
            {
                return DeadLetterAsync(record, DeadLetterPublisher.Invalid, reading.Error!, abandonToken);
            }

            sensorId = reading.Message!.SensorID;
            update = SensorUpdate.Of(
                new SensorReading(reading.Message.Temperature, record.Message.Timestamp.UtcDateTime),
                record.Partition.Value, record.Offset.Value, record.Message.Timestamp.UnixTimestampMs);
        }
        else
        {
            var setting = MessageCodec.DecodeSetting(value, _limits);
            if (!setting.IsValid)
            {
                return DeadLetterAsync(record, DeadLetterPublisher.Invalid, setting.Error!, abandonToken);
            }

            sensorId = setting.Message!.SensorID;
            update = SensorUpdate.Of(setting.Message.ToSetting(), record.Partition.Value, record.Offset.Value, record.Message.Timestamp.UnixTimestampMs);
        }

        return _lanes.Enqueue(sensorId, new PendingRecord(record, update, abandonToken));
    }

    /// <summary>
    /// Delivers what queued up for one sensor in one call. A batch whose processing keeps failing for a permanent
    /// reason is split, so that only the record at fault is dead-lettered; the grain skips what a failed attempt
    /// already applied.
    /// </summary>
    private async Task DeliverBatchAsync(int sensorId, IReadOnlyList<PendingRecord> batch)
    {
        if (batch.Count == 1)
        {
            await DeliverAsync(sensorId, batch[0], batch[0].Abandoned);
            return;
        }

        var updates = new Immutable<SensorUpdate[]>([.. batch.Select(b => b.Update)]);
        // A sensor's records normally share a partition; when they do not, giving up any of them stops the batch.
        var tokens = batch.Select(b => b.Abandoned).Distinct().ToArray();
        using var linked = tokens.Length > 1 ? CancellationTokenSource.CreateLinkedTokenSource(tokens) : null;
        try
        {
            await CallWithRetryAsync(sensorId, updates, linked?.Token ?? tokens[0]);
        }
        catch (Exception e) when (e is not OperationCanceledException && !FailureClassifier.IsTransient(e))
        {
            foreach (var one in batch)
            {
                await DeliverAsync(sensorId, one, one.Abandoned);
            }

            return;
        }

        foreach (var one in batch)
        {
            Count(one.Update);
        }
    }

    private async Task DeliverAsync(int sensorId, PendingRecord pending, CancellationToken abandonToken)
    {
        // The span is the parent of the grain call (Orleans propagates it) and so of the command it sends; none
        // is made unless traces are on.
        using var activity = HeaterTelemetry.StartConsume(pending.Record, sensorId);
        try
        {
            await CallWithRetryAsync(sensorId, new Immutable<SensorUpdate[]>([pending.Update]), abandonToken);
            Count(pending.Update);
        }
        catch (Exception e) when (e is not OperationCanceledException && !FailureClassifier.IsTransient(e))
        {
            // Valid on the wire, yet its processing keeps failing for a reason no retry will mend.
            var reason = $"processing failed {_options.MaxPermanentFailureAttempts} times: {e.GetType().Name}: {e.Message}";
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            await PublishDeadLetterAsync(pending.Record, DeadLetterPublisher.ProcessingFailed, reason, abandonToken);
        }
    }

    /// <summary>
    /// Calls the grain; retries transient failures without limit and permanent ones up to the configured attempts.
    /// The retry pipeline is only entered on failure: on the way nearly every record takes, it cost a closure, a
    /// context and several state machines per record.
    /// </summary>
    private async Task CallWithRetryAsync(int sensorId, Immutable<SensorUpdate[]> updates, CancellationToken abandonToken)
    {
        // Records queued in a lane behind a stalled call of an abandoned partition must not start either.
        abandonToken.ThrowIfCancellationRequested();
        try
        {
            await _grains.Get(sensorId).ApplyAsync(updates);
        }
        catch (Exception e) when (e is not OperationCanceledException && ShouldRetry(e))
        {
            _retries.Failed(e);
            Interlocked.Increment(ref _retrying);
            try
            {
                await _retry.ExecuteAsync(
                    static async (state, _) => await state.Grains.Get(state.SensorId).ApplyAsync(state.Updates),
                    (Grains: _grains, SensorId: sensorId, Updates: updates),
                    abandonToken);
            }
            finally
            {
                Interlocked.Decrement(ref _retrying);
            }
        }
    }

    private bool ShouldRetry(Exception e) => FailureClassifier.IsTransient(e) || _options.MaxPermanentFailureAttempts > 1;

    private void Count(SensorUpdate update)
    {
        if (update.Reading is not null)
        {
            _metrics.ReadingProcessed();
        }
        else
        {
            _metrics.SettingProcessed();
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string kind, string reason, CancellationToken abandonToken)
    {
        using var activity = HeaterTelemetry.StartConsume(record, sensorId: null);
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        await PublishDeadLetterAsync(record, kind, reason, abandonToken);
    }

    /// <summary>A dead letter must reach its topic before the record is committed: retried like any transient failure.</summary>
    private async Task PublishDeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string kind, string reason, CancellationToken abandonToken)
    {
        try
        {
            await _deadLetters.PublishAsync(record, kind, reason, abandonToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await _retry.ExecuteAsync(
                async token => await _deadLetters.PublishAsync(record, kind, reason, token), abandonToken);
        }
    }

}
