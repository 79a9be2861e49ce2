using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Sends a record that cannot be processed to the dead-letter topic: its original key, value and
/// headers, plus headers saying why and where it came from. Completes on the broker's ack, so the
/// record's offset is committed only once it is safe in the dead-letter topic.
/// </summary>
public sealed partial class DeadLetterPublisher : IDisposable
{
    public const string ReasonHeader = "deadletter.reason";
    public const string SourceTopicHeader = "deadletter.source.topic";
    public const string SourcePartitionHeader = "deadletter.source.partition";
    public const string SourceOffsetHeader = "deadletter.source.offset";
    public const string SourceTimestampHeader = "deadletter.source.timestamp";
    public const string Invalid = "invalid";
    public const string ProcessingFailed = "processing-failed";

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
    /// <param name="kind">A short category for metrics: <c>invalid</c> or <c>processing-failed</c>.</param>
    /// <param name="reason">Why, in words, for the header and the log.</param>
    public async Task PublishAsync(ConsumeResult<byte[]?, byte[]?> record, string kind, string reason, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reason));
        headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(record.Topic));
        headers.Add(SourcePartitionHeader, Ascii(record.Partition.Value));
        headers.Add(SourceOffsetHeader, Ascii(record.Offset.Value));
        headers.Add(SourceTimestampHeader, Ascii(record.Message.Timestamp.UnixTimestampMs));

        var message = new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers };
        await _producer.ProduceAsync(_topic, message, cancellationToken);
        _metrics.DeadLettered(record.Topic, kind);
        LogDeadLettered(_logger, record.Topic, record.Partition.Value, record.Offset.Value, reason);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Topic}[{Partition}]@{Offset}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string topic, int partition, long offset, string reason);
}
