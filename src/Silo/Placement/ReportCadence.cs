namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// When a silo next reports its partitions to the map. After a rebalance every silo of the group reports its new
/// partitions at once, each before the others' are in, so only a report after the last of them gives the whole view
/// that grains move by: around a change reports come every <see cref="SettlingInterval"/>, not a report interval later.
/// </summary>
internal static class ReportCadence
{
    public static readonly TimeSpan SettlingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Settling lasts this long after the view last changed, here or in the map.</summary>
    public static readonly TimeSpan SettleFor = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While a partition has no owner (the group is still rebalancing) settling lasts up to this long; beyond it a
    /// partition nobody consumes is the steady state.
    /// </summary>
    public static readonly TimeSpan IncompleteFor = TimeSpan.FromMinutes(1);

    /// <param name="sinceChange">Since this silo's partitions or the map's owners last changed.</param>
    /// <param name="covered">Whether every partition of the readings topic has an owner in the map.</param>
    /// <param name="reportInterval"><see cref="PlacementOptions.ReportInterval"/>.</param>
    public static TimeSpan Next(TimeSpan sinceChange, bool covered, TimeSpan reportInterval) =>
        sinceChange < SettleFor || (!covered && sinceChange < IncompleteFor) ? TimeSpan.FromTicks(Math.Min(SettlingInterval.Ticks, reportInterval.Ticks)) : reportInterval;
}
