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
/// What happens to one consumed record: decode it, queue it on its sensor's lane (one sensor's records run in
/// consumption order), call the sensor's grain, retry failures, and dead-letter what is invalid or keeps failing
/// for a permanent reason. The returned task completes once the record may be committed.
/// </summary>
internal sealed partial class RecordHandler
{
    private readonly IGrainFactory _grains;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly HeaterMetrics _metrics;
    private readonly IngressOptions _options;
    private readonly ILogger<RecordHandler> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly SerialLanes<int> _lanes = new();
    private readonly string _readingsTopic;

    public RecordHandler(
        IGrainFactory grains,
        KafkaClientFactory kafka,
        DeadLetterPublisher deadLetters,
        HeaterMetrics metrics,
        IOptions<IngressOptions> options,
        ILogger<RecordHandler> logger)
    {
        _grains = grains;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _readingsTopic = kafka.Options.Topics.Readings;
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
                    // The message is enough here: the component that failed has logged the details.
                    LogRetrying(_logger, args.AttemptNumber + 2, args.RetryDelay, args.Outcome.Exception?.GetBaseException().Message);
                    return default;
                },
            })
            .Build();
    }

    public Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken abandonToken)
    {
        var value = record.Message.Value ?? [];
        if (record.Topic == _readingsTopic)
        {
            var reading = MessageCodec.DecodeReading(value);
            if (!reading.IsValid)
            {
                return DeadLetterAsync(record, DeadLetterPublisher.Invalid, reading.Error!, abandonToken);
            }

            var sensorId = reading.Message!.SensorID;
            var applied = new SensorReading(reading.Message.Temperature, record.Message.Timestamp.UtcDateTime);
            return _lanes.Enqueue(sensorId, () => DeliverAsync(record, sensorId, applied, setting: null, abandonToken));
        }

        var decoded = MessageCodec.DecodeSetting(value);
        if (!decoded.IsValid)
        {
            return DeadLetterAsync(record, DeadLetterPublisher.Invalid, decoded.Error!, abandonToken);
        }

        var id = decoded.Message!.SensorID;
        var newSetting = decoded.Message.ToSetting();
        return _lanes.Enqueue(id, () => DeliverAsync(record, id, reading: null, newSetting, abandonToken));
    }

    private async Task DeliverAsync(
        ConsumeResult<byte[]?, byte[]?> record, int sensorId, SensorReading? reading, SensorSetting? setting, CancellationToken abandonToken)
    {
        // The span is the parent of the grain call (Orleans propagates it) and so of the command it sends; none
        // is made unless traces are on.
        using var activity = HeaterTelemetry.StartConsume(record, sensorId);
        try
        {
            // The retry pipeline is only entered on failure: on the way that nearly every record takes, it cost a
            // closure, a context and several state machines per record.
            try
            {
                await CallAsync(sensorId, reading, setting);
            }
            catch (Exception e) when (e is not OperationCanceledException && ShouldRetry(e))
            {
                LogRetrying(_logger, 1, TimeSpan.Zero, e.GetBaseException().Message);
                await _retry.ExecuteAsync(
                    static async (state, _) => await state.Handler.CallAsync(state.SensorId, state.Reading, state.Setting),
                    (Handler: this, SensorId: sensorId, Reading: reading, Setting: setting),
                    abandonToken);
            }

            Count(reading is not null);
        }
        catch (Exception e) when (e is not OperationCanceledException && !FailureClassifier.IsTransient(e))
        {
            // Valid on the wire, yet its processing keeps failing for a reason no retry will mend.
            var reason = $"processing failed {_options.MaxPermanentFailureAttempts} times: {e.GetType().Name}: {e.Message}";
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            await PublishDeadLetterAsync(record, DeadLetterPublisher.ProcessingFailed, reason, abandonToken);
        }
    }

    private bool ShouldRetry(Exception e) => FailureClassifier.IsTransient(e) || _options.MaxPermanentFailureAttempts > 1;

    private Task CallAsync(int sensorId, SensorReading? reading, SensorSetting? setting)
    {
        var grain = _grains.GetGrain<ISensorGrain>(sensorId);
        return reading is { } r ? grain.ApplyReadingAsync(r) : grain.ApplySettingAsync(setting!);
    }

    private void Count(bool isReading)
    {
        if (isReading)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Record processing failed, retry {Attempt} in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string? reason);
}
