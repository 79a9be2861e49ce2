namespace HeaterOrleans.Bench;

/// <summary>
/// One run of the silos phase: the readings through <see cref="Silos"/> silo processes, measured from the end of
/// their production (the backlog then) to the last reading processed.
/// </summary>
/// <param name="ByPartition">Placement by partition (ours); false: Orleans' default placement.</param>
/// <param name="Readings">Readings produced once the settings were applied.</param>
/// <param name="Backlog">Readings not yet processed when the production ended: those measured.</param>
/// <param name="Cost">Over the backlog: wall time, the silo processes' CPU time summed, the broker's.</param>
/// <param name="LocalCalls">Ingress grain calls over the backlog that stayed on the silo that consumed the record.</param>
/// <param name="RemoteCalls">Ingress grain calls over the backlog to a grain on another silo.</param>
/// <param name="SteadyLocalCalls">The same in the last 5 s, or over the whole backlog when it took less.</param>
/// <param name="ReadingsPartitions">
/// Partitions of the readings topic each silo held once the group was stable: the assignor balances the partitions of
/// both topics together, so a silo may hold settings partitions only and consume no readings.
/// </param>
/// <param name="SiloCpuSeconds">Each silo's part of <see cref="PhaseCost.CpuSeconds"/>: one that consumes no readings still costs.</param>
/// <param name="IdleCores">The silo processes' CPU with no readings to process (after the warm-up), in cores, summed.</param>
/// <param name="Measures">Measures taken, the last reported: until the silos' JIT was quiet during one, or the most allowed.</param>
/// <param name="JitMethods">Methods each silo's JIT compiled over the backlog, on average: a few dozen when warm.</param>
public sealed record SilosRun(
    string Phase, int Silos, bool ByPartition, long Readings, long Backlog, PhaseCost Cost, long LocalCalls, long RemoteCalls,
    long SteadyLocalCalls, long SteadyRemoteCalls, IReadOnlyList<int> ReadingsPartitions, IReadOnlyList<double> SiloCpuSeconds, double IdleCores,
    int Measures, long JitMethods)
{
    /// <summary>
    /// CPU per reading less what the silos would have spent idle over the same time: the part that grows with readings.
    /// </summary>
    public double LoadMicrosPerRecord => Cost.Records > 0 ? Math.Max(0, Cost.CpuSeconds - IdleCores * Cost.Seconds) * 1e6 / Cost.Records : 0;

    /// <summary>Local over all grain calls over the backlog; null when none were counted.</summary>
    public double? LocalShare => Share(LocalCalls, RemoteCalls);

    /// <summary>Local over all grain calls in the last 5 s.</summary>
    public double? SteadyLocalShare => Share(SteadyLocalCalls, SteadyRemoteCalls);

    private static double? Share(long local, long remote) => local + remote > 0 ? (double)local / (local + remote) : null;
}
