namespace HeaterOrleans.Grains.Placement;

/// <summary>Partition of the readings topic → the silo that reported consuming it.</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionMap([property: Id(0)] Dictionary<int, SiloAddress> Owners)
{
    public static PartitionMap Empty { get; } = new(new Dictionary<int, SiloAddress>());

    /// <summary>Whether both name the same owner for every partition.</summary>
    public bool SameOwners(PartitionMap other) =>
        Owners.Count == other.Owners.Count && Owners.All(o => other.Owners.TryGetValue(o.Key, out var silo) && silo.Equals(o.Value));

    /// <summary>Whether every one of <paramref name="partitions"/> partitions has an owner.</summary>
    public bool Covers(int partitions) => Enumerable.Range(0, partitions).All(Owners.ContainsKey);
}
