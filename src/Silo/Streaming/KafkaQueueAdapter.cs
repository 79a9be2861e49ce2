using System.Diagnostics;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;
using Orleans.Runtime;
using Orleans.Streams;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>
/// Produces every stream event to one Kafka topic, as <see cref="CommandRecord"/> maps it (the sensor key keeps
/// per-sensor order). A batch completes only when the broker has acknowledged every record of it; a failed
/// delivery throws back into the producer's await.
/// </summary>
internal sealed class KafkaQueueAdapter : IQueueAdapter, IDisposable
{
    private readonly string _topic;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly HeaterMetrics _metrics;

    public KafkaQueueAdapter(string name, KafkaStreamOptions options, HeaterMetrics metrics, ILogger<KafkaQueueAdapter> logger)
    {
        Name = name;
        _topic = options.Topic;
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
        // The producing grain's span (Orleans' activity propagation) is the parent: the record's traceparent
        // ties the command to the reading that caused it. No span at all unless traces are on.
        using var activity = HeaterTelemetry.Source.StartActivity($"publish {_topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka").SetTag("messaging.destination.name", _topic);
        foreach (var item in events)
        {
            if (item is not HeaterCommandIssued command)
            {
                throw new NotSupportedException(
                    $"Kafka stream provider '{Name}' carries {nameof(HeaterCommandIssued)} events only, not {item?.GetType().Name ?? "null"}.");
            }

            var message = CommandRecord.From(command);
            if (activity is not null)
            {
                HeaterTelemetry.Inject(activity, message.Headers);
            }

            // One at a time: a command is usually alone in its batch, and its ack is what the grain waits for.
            await _producer.ProduceAsync(_topic, message);
            _metrics.CommandPublished(command.Action);
            if (command.ReadingTime is { } readAt)
            {
                _metrics.CommandLatency(DateTimeOffset.UtcNow - readAt);
            }
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
