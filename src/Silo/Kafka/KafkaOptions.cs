using HeaterOrleans.Silo.Kafka.Embedded;

namespace HeaterOrleans.Silo.Kafka;

/// <summary>
/// The <c>Kafka</c> configuration section. Keys not declared here (e.g. <c>SecurityProtocol</c>,
/// <c>SaslMechanism</c>, <c>SaslUsername</c>) are passed through to Confluent.Kafka's client config.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Broker list; empty starts the embedded broker in process.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Consumer group of the ingress bridge; every silo joins it.</summary>
    public string GroupId { get; set; } = "heater-controller";

    public KafkaTopicsOptions Topics { get; set; } = new();

    public EmbeddedKafkaOptions Embedded { get; set; } = new();

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(BootstrapServers);

    /// <summary>
    /// The groups whose uncommitted records the embedded broker keeps: the ingress group on the readings and
    /// settings topics, and <c>Kafka:Embedded:ProtectedGroups</c> on whatever they commit on.
    /// </summary>
    public IReadOnlyList<ProtectedGroup> ProtectedGroups() =>
    [
        new(GroupId, [Topics.Readings, Topics.Settings]),
        .. Embedded.ProtectedGroups.Where(g => g != GroupId).Select(g => new ProtectedGroup(g)),
    ];
}
