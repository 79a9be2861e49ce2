namespace HeaterOrleans.Silo.Kafka;

/// <summary>The embedded broker (<c>Kafka:Embedded:*</c>), used when no broker list is configured.</summary>
public sealed class EmbeddedKafkaOptions
{
    /// <summary>Partitions of each topic it creates.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Brokers in the mock cluster; partition leaders spread over them.</summary>
    public int Brokers { get; set; } = 3;

    /// <summary>
    /// More topics for <c>kafka-only</c> to create at start, comma-separated: the mock's admin API cannot create
    /// them later (the benchmark's per-phase topics, a Streamiz application's internal topics).
    /// </summary>
    public string ExtraTopics { get; set; } = string.Empty;
}
