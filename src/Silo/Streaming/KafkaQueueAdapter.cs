using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;
using Orleans.Runtime;
using Orleans.Streams;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>
/// Produces every stream event to one Kafka topic: key = the stream key (the sensor ID as decimal text,
/// so per-sensor order is kept), value = the event's protobuf bytes. A batch completes only when the
/// broker has acknowledged every record of it; a failed delivery throws back into the producer's await.
/// </summary>
internal sealed class KafkaQueueAdapter : IQueueAdapter, IDisposable
{
    private readonly string _topic;
    private readonly ISet<string> _headerKeys;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly HeaterMetrics _metrics;

    public KafkaQueueAdapter(string name, KafkaStreamOptions options, HeaterMetrics metrics, ILogger<KafkaQueueAdapter> logger)
    {
        Name = name;
        _topic = options.Topic;
        _headerKeys = options.HeaderKeys;
        _metrics = metrics;
        var config = new ProducerConfig(options.Producer.ToDictionary())
        {
            // A command must be on every in-sync replica, exactly once per send, before we report it sent.
            Acks = Acks.All,
            EnableIdempotence = true,
        };
        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler(KafkaLogging.To(logger))
            .SetErrorHandler(KafkaLogging.ErrorsTo(logger))
            .Build();
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.WriteOnly;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        throw new NotSupportedException($"Kafka stream provider '{Name}' is write-only.");

    public async Task QueueMessageBatchAsync<T>(
        StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        var key = streamId.Key.ToArray();
        var deliveries = new List<Task<DeliveryResult<byte[], byte[]>>>();
        // The producing grain's span (Orleans' activity propagation) is the parent: the record's traceparent
        // ties the command to the reading that caused it.
        using var activity = HeaterTelemetry.Source.StartActivity($"publish {_topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka").SetTag("messaging.destination.name", _topic);
        foreach (var item in events)
        {
            if (item is not IMessage message)
            {
                throw new NotSupportedException(
                    $"Kafka stream provider '{Name}' carries protobuf messages only, not {item?.GetType().Name ?? "null"}.");
            }

            var headers = Headers(requestContext);
            if (activity is not null)
            {
                HeaterTelemetry.Inject(activity, headers);
            }

            deliveries.Add(_producer.ProduceAsync(_topic, new Message<byte[], byte[]> { Key = key, Value = message.ToByteArray(), Headers = headers }));
        }

        await Task.WhenAll(deliveries);
        var readingTime = requestContext?.GetValueOrDefault(CommandHeaders.ReadingTime) as long?;
        foreach (var item in events)
        {
            _metrics.CommandPublished(item!);
            if (readingTime is { } ms)
            {
                _metrics.CommandLatency(DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }
        }
    }

    private Headers Headers(Dictionary<string, object>? requestContext)
    {
        var headers = new Headers();
        foreach (var (name, value) in requestContext ?? [])
        {
            if (_headerKeys.Contains(name) && value is not null)
            {
                headers.Add(name, Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }

        return headers;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
