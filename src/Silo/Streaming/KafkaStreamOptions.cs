using Confluent.Kafka;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>Options of a write-only Kafka stream provider, named after the provider.</summary>
public sealed class KafkaStreamOptions
{
    /// <summary>The topic every event of the provider's streams is produced to.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>Producer settings; idempotence and acks=all are enforced by the adapter.</summary>
    public ProducerConfig Producer { get; set; } = new();
}
