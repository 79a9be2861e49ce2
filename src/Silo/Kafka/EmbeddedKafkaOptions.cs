namespace HeaterOrleans.Silo.Kafka;

/// <summary>The embedded broker (<c>Kafka:Embedded:*</c>), used when no broker list is configured.</summary>
public sealed class EmbeddedKafkaOptions
{
    /// <summary>Partitions of each topic it creates.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Brokers in the mock cluster; partition leaders spread over them.</summary>
    public int Brokers { get; set; } = 3;

    /// <summary>
    /// How long records stay readable for clients outside any protected group (kcat, a test reading from the
    /// beginning), up to <see cref="MaxRetainedRecords"/> per partition. Records older than this (or beyond that
    /// count) and committed by every protected group are trimmed.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Records per partition kept however young: under continuous load the window alone would keep so many small
    /// batches that every fetch walks them (60 s at 5,000 msg/s: one hop's p99 0.5-0.7 s; 1,000 per partition: ~8 ms).
    /// Committed-by-every-protected-group still holds.
    /// </summary>
    public int MaxRetainedRecords { get; set; } = 1_000;

    /// <summary>How often the logs are trimmed.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Consumer groups, besides <c>Kafka:GroupId</c>, whose committed offsets bound trimming: nothing they have
    /// not committed is dropped.
    /// </summary>
    public List<string> ProtectedGroups { get; set; } = [];

    /// <summary>
    /// More topics for <c>kafka-only</c> to create at start, comma-separated: the mock's admin API cannot create
    /// them later (e.g. a Streamiz application's internal topics, for the benchmark's peer).
    /// </summary>
    public string ExtraTopics { get; set; } = string.Empty;
}
