using System.Collections.Frozen;
using Confluent.Kafka;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// The partitions of the readings and settings topics this silo's ingress consumes now. The ingress sets them on
/// every assignment, revocation and loss; placement reads them from any thread.
/// </summary>
public sealed class IngressPartitions(IOptions<KafkaOptions> kafka)
{
    private readonly KafkaTopicsOptions _topics = kafka.Value.Topics;
    private volatile Snapshot _now = new(FrozenSet<int>.Empty, FrozenSet<int>.Empty);

    /// <summary>Raised, on the ingress's thread, after the partitions changed.</summary>
    public event Action? Changed;

    public IReadOnlySet<int> Readings => _now.Readings;

    public IReadOnlySet<int> Settings => _now.Settings;

    /// <summary>Replaces the set with what the ingress holds now.</summary>
    public void Set(IEnumerable<TopicPartition> assigned)
    {
        var all = assigned.ToList();
        _now = new Snapshot(Of(all, _topics.Readings), Of(all, _topics.Settings));
        Changed?.Invoke();
    }

    private static FrozenSet<int> Of(List<TopicPartition> assigned, string topic) =>
        assigned.Where(p => p.Topic == topic).Select(p => p.Partition.Value).ToFrozenSet();

    private sealed record Snapshot(FrozenSet<int> Readings, FrozenSet<int> Settings);
}
