namespace HeaterOrleans.Silo.Placement;

/// <summary>Where sensor grains live (<c>Placement:*</c>).</summary>
public sealed class PlacementOptions
{
    public const string SectionName = "Placement";

    /// <summary>
    /// True: a sensor's grain lives on the silo that consumes its readings partition, and moves there after a
    /// rebalance. False: Orleans' default placement (resource-optimized), for comparison; calls are counted either way.
    /// </summary>
    public bool ByPartition { get; set; } = true;

    /// <summary>How often each silo reports its partitions to the cluster's map (also on every rebalance).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the readings topic's partition count is read again (topics can grow).</summary>
    public TimeSpan MetadataInterval { get; set; } = TimeSpan.FromSeconds(30);
}
