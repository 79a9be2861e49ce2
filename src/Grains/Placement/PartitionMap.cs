namespace HeaterOrleans.Grains.Placement;

/// <summary>Partition of the readings topic → the silo that reported consuming it.</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionMap([property: Id(0)] Dictionary<int, SiloAddress> Owners)
{
    public static PartitionMap Empty { get; } = new(new Dictionary<int, SiloAddress>());
}
