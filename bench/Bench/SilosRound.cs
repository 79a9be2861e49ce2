namespace HeaterOrleans.Bench;

/// <summary>One measure of a silos run: a backlog of readings processed by the silo processes.</summary>
/// <param name="End">The silos' counters summed when the last reading was processed.</param>
/// <param name="Backlog">Readings not yet processed when the production ended: those measured.</param>
/// <param name="Cost">Over the backlog: wall time, the silo processes' CPU time summed, the broker's.</param>
/// <param name="Calls">The counters' growth over the backlog.</param>
/// <param name="Steady">Their growth over the last 5 s, or the whole measure when it was shorter.</param>
/// <param name="SiloCpuSeconds">Each silo's part of <see cref="PhaseCost.CpuSeconds"/>.</param>
/// <param name="JitMethods">Methods each silo's JIT compiled over the backlog, on average.</param>
internal sealed record SilosRound(
    SiloMetrics End, long Backlog, PhaseCost Cost, SiloMetrics Calls, SiloMetrics Steady, IReadOnlyList<double> SiloCpuSeconds, long JitMethods);
