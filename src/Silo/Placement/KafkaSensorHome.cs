using HeaterOrleans.Contracts;
using HeaterOrleans.Grains.Placement;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// A sensor's home from Kafka: its readings partition (murmur2 of its key, as our producers key records), and that
/// partition's consumer, this silo when its own ingress holds it, else as the cluster's partition map last said.
/// </summary>
internal sealed class KafkaSensorHome(IngressPartitions local, ILocalSiloDetails silo, IOptions<PlacementOptions> options) : ISensorHome
{
    private readonly bool _byPartition = options.Value.ByPartition;
    private volatile PartitionMap _map = PartitionMap.Empty;
    private volatile int _partitionCount;

    /// <summary>The readings topic's partition count; 0 while not known.</summary>
    public int PartitionCount
    {
        get => _partitionCount;
        set => _partitionCount = value;
    }

    /// <summary>The cluster's map as last received.</summary>
    public PartitionMap Map
    {
        get => _map;
        set => _map = value;
    }

    public SiloAddress? HomeOf(long sensorId)
    {
        var count = _partitionCount;
        if (!_byPartition || count == 0)
        {
            return null;
        }

        return ConsumerOf(Murmur2Partitioner.PartitionOf(sensorId, count));
    }

    public SiloAddress? ConsumerOf(SensorUpdate update) =>
        _byPartition && update.Reading is not null && update.Source != SensorUpdate.Unpositioned ? ConsumerOf(update.Source) : null;

    private SiloAddress? ConsumerOf(int partition) =>
        local.Readings.Contains(partition) ? silo.SiloAddress : _map.Owners.GetValueOrDefault(partition);

    public bool? ConsumedHere(SensorUpdate update) =>
        update.Source == SensorUpdate.Unpositioned ? null
        : update.Reading is not null ? local.Readings.Contains(update.Source)
        : local.Settings.Contains(update.Source);
}
