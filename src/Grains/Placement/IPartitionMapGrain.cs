namespace HeaterOrleans.Grains.Placement;

/// <summary>
/// The cluster's view of which silo consumes which partition of the readings topic (key 0): each silo reports its own
/// partitions and gets everyone's back. Held in memory only; after a move of this grain the reports refill it.
/// </summary>
public interface IPartitionMapGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Replaces <paramref name="silo"/>'s report with <paramref name="partitions"/> and returns the map of the reports
    /// younger than <paramref name="expireAfter"/> (a silo that stopped reporting is gone); where two silos claim a
    /// partition (a rebalance in progress) the later report wins.
    /// </summary>
    Task<PartitionMap> ReportAsync(SiloAddress silo, int[] partitions, TimeSpan expireAfter);
}
