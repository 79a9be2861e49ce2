using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Sends a record that cannot be processed to the dead-letter topic: its original key, value and
/// headers, plus headers saying why and where it came from. Completes on the broker's ack, so the
/// record's offset is committed only once it is safe in the dead-letter topic.
/// </summary>
/// <remarks>
/// Nothing a producer sends may wedge its partition here. Headers named like ours are replaced, not trusted; the
/// reason is capped; a record the broker refuses for its size goes as a stub (headers and source coordinates, no
/// value) with the reason <see cref="TooLarge"/>. A failure that may pass (broker down) is the caller's to retry.
/// </remarks>
public sealed partial class DeadLetterPublisher : IDisposable
{
    public const string HeaderPrefix = "deadletter.";
    public const string ReasonHeader = "deadletter.reason";
    public const string CauseHeader = "deadletter.cause";
    public const string SourceTopicHeader = "deadletter.source.topic";
    public const string SourcePartitionHeader = "deadletter.source.partition";
    public const string SourceOffsetHeader = "deadletter.source.offset";
    public const string SourceTimestampHeader = "deadletter.source.timestamp";
    public const string SourceValueSizeHeader = "deadletter.source.value.size";
    public const string Invalid = "invalid";
    public const string ProcessingFailed = "processing-failed";
    public const string TooLarge = "too large";
    public const string TooLargeKind = "too-large";

    // A stub keeps the original key and headers only up to this size, so that it fits whatever the record was.
    private const int MaxStubExtras = 64 * 1024;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly HeaterMetrics _metrics;
    private readonly ILogger<DeadLetterPublisher> _logger;

    public DeadLetterPublisher(KafkaClientFactory kafka, HeaterMetrics metrics, ILogger<DeadLetterPublisher> logger)
    {
        _producer = kafka.CreateProducer<byte[]?, byte[]?, DeadLetterPublisher>();
        _topic = kafka.Options.Topics.DeadLetter;
        _metrics = metrics;
        _logger = logger;
    }

    /// <param name="record">The record as consumed.</param>
    /// <param name="kind">A short category for metrics: <c>invalid</c> or <c>processing-failed</c> (<c>too-large</c> for a stub).</param>
    /// <param name="reason">Why, in words, for the header and the log.</param>
    /// <param name="cancellationToken">Gives up waiting for the broker.</param>
    public async Task PublishAsync(ConsumeResult<byte[]?, byte[]?> record, string kind, string reason, CancellationToken cancellationToken)
    {
        reason = ReasonText.Cap(reason);
        try
        {
            await ProduceAsync(record, Whole(record, reason), cancellationToken);
            _metrics.DeadLettered(record.Topic, kind);
            LogDeadLettered(_logger, record.Topic, record.Partition.Value, record.Offset.Value, reason);
            return;
        }
        catch (KafkaException e) when (FailureClassifier.IsRefusedRecord(e))
        {
            LogRefused(_logger, record.Topic, record.Partition.Value, record.Offset.Value, e.Error.Reason);
        }

        // Without the value; then without anything of the producer's, in case the key or headers were the problem.
        foreach (var keepExtras in new[] { true, false })
        {
            try
            {
                await ProduceAsync(record, Stub(record, reason, keepExtras), cancellationToken);
                _metrics.DeadLettered(record.Topic, TooLargeKind);
                LogDeadLettered(_logger, record.Topic, record.Partition.Value, record.Offset.Value, $"{TooLarge}: {reason}");
                return;
            }
            catch (KafkaException e) when (FailureClassifier.IsRefusedRecord(e) && !FailureClassifier.IsTooLarge(e))
            {
                // Refused whatever it holds (e.g. no write access to the topic): retrying would wedge the partition
                // for good. Readiness reports the topic; the record's coordinates are in this line.
                _metrics.DeadLetterRefused(record.Topic);
                LogNotDeadLettered(_logger, record.Topic, record.Partition.Value, record.Offset.Value, _topic, e.Error.Reason, reason);
                return;
            }
            catch (KafkaException e) when (FailureClassifier.IsTooLarge(e) && keepExtras)
            {
            }
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    private Task ProduceAsync(ConsumeResult<byte[]?, byte[]?> record, Message<byte[]?, byte[]?> letter, CancellationToken cancellationToken)
    {
        letter.Headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(record.Topic));
        letter.Headers.Add(SourcePartitionHeader, Ascii(record.Partition.Value));
        letter.Headers.Add(SourceOffsetHeader, Ascii(record.Offset.Value));
        letter.Headers.Add(SourceTimestampHeader, Ascii(record.Message.Timestamp.UnixTimestampMs));
        return _producer.ProduceAsync(_topic, letter, cancellationToken);
    }

    private static Message<byte[]?, byte[]?> Whole(ConsumeResult<byte[]?, byte[]?> record, string reason)
    {
        var headers = OriginalHeaders(record);
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reason));
        return new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers };
    }

    private static Message<byte[]?, byte[]?> Stub(ConsumeResult<byte[]?, byte[]?> record, string reason, bool keepExtras)
    {
        var (key, headers) = keepExtras && RecordBytes.KeyAndHeaders(record.Message) <= MaxStubExtras
            ? (record.Message.Key, OriginalHeaders(record))
            : (null, []);

        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(TooLarge));
        headers.Add(CauseHeader, Encoding.UTF8.GetBytes(reason));
        headers.Add(SourceValueSizeHeader, Ascii(record.Message.Value?.Length ?? 0));
        return new Message<byte[]?, byte[]?> { Key = key, Value = null, Headers = headers };
    }

    // A producer's own deadletter.* headers are dropped: only ours say why and where from.
    private static Headers OriginalHeaders(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        return headers;
    }

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Topic}[{Partition}]@{Offset}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter of {Topic}[{Partition}]@{Offset} refused ({Error}); sending a stub without its value")]
    private static partial void LogRefused(ILogger logger, string topic, int partition, long offset, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Topic}[{Partition}]@{Offset} could not be dead-lettered: {DeadLetterTopic} refused it ({Error}); skipped. It was rejected because: {Reason}")]
    private static partial void LogNotDeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string error, string reason);
}
