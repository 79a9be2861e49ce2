namespace HeaterOrleans.Silo.Kafka;

/// <summary>The embedded broker (<c>Kafka:Embedded:*</c>), used when no broker list is configured.</summary>
public sealed class EmbeddedKafkaOptions
{
    /// <summary>Partitions of each topic it creates.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Brokers in the mock cluster; partition leaders spread over them.</summary>
    public int Brokers { get; set; } = 3;
}
