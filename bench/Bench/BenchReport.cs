namespace HeaterOrleans.Bench;

/// <summary>What one benchmark run measured (written as bench-results.json).</summary>
public sealed class BenchReport
{
    public required RunEnvironment Environment { get; init; }

    public string Broker { get; set; } = "";

    public int Readings { get; init; }

    public int Sensors { get; init; }

    /// <summary>Share of the pre-produced readings outside their sensor's band (an upper bound of commands).</summary>
    public double FlipShare { get; set; }

    public int LatencyRate { get; init; }

    public int LatencySeconds { get; init; }

    public int WarmupSeconds { get; init; }

    public int LatencySensors { get; init; }

    public bool Failsafe { get; init; }

    /// <summary>The database of the service-pg variant and its connection limits; null when it did not run.</summary>
    public string? PostgreSql { get; set; }

    /// <summary>Phases given up on (a variant that stalled or could not start), so that the run still reports the rest.</summary>
    public List<string> GaveUp { get; } = [];

    /// <summary>Throughput phase by variant (baseline, service, service-pg, peer): the same pre-produced records, each on its own topics.</summary>
    public Dictionary<string, PhaseCost> Throughput { get; } = [];

    /// <summary>
    /// Commands each variant sent in its throughput phase. Close but not always equal: where a reading is consumed
    /// before its sensor's first setting (settings and readings are separate topics), it causes nothing.
    /// </summary>
    public Dictionary<string, long> ThroughputCommands { get; } = [];

    public RateRun? Floor { get; set; }

    public List<RateRun> Latency { get; } = [];

    /// <summary>service-pg through an outage of its PostgreSQL server; null when it did not run.</summary>
    public OutageRun? Outage { get; set; }

    /// <summary>Why the outage phase measured nothing (skipped, or given up on); null when it ran or was not asked for.</summary>
    public string? OutageNote { get; set; }

    public LatencyStats? SettingToEffect { get; set; }

    /// <summary>Readings of each run of the silos phase (<c>--Readings</c>, capped); 0 when it did not run.</summary>
    public int SilosReadings { get; set; }

    /// <summary>The silos phase: 1 silo process, then <c>--Silos</c> with placement by partition and with Orleans' own; a run given up on is missing.</summary>
    public List<SilosRun> Silos { get; } = [];

    /// <summary>The silos phase's churn run (a silo added, then one killed, under load); null when not run or given up on.</summary>
    public SilosChurn? Churn { get; set; }

    public List<MemoryPoint> Memory { get; } = [];

    /// <summary>A variant's throughput over the baseline's (higher is better).</summary>
    public double? ThroughputVsBaseline(string variant) =>
        Throughput.TryGetValue(variant, out var v) && Throughput.TryGetValue(BenchOptions.Baseline, out var b) && b.RecordsPerSecond > 0
            ? v.RecordsPerSecond / b.RecordsPerSecond : null;

    /// <summary>A variant's CPU time per record over the baseline's (lower is better).</summary>
    public double? CpuVsBaseline(string variant) =>
        Throughput.TryGetValue(variant, out var v) && Throughput.TryGetValue(BenchOptions.Baseline, out var b) && b.CpuMicrosPerRecord > 0
            ? v.CpuMicrosPerRecord / b.CpuMicrosPerRecord : null;

    /// <summary>The service on PostgreSQL over the service in memory (higher is better).</summary>
    public double? PostgreSqlToMemory =>
        Throughput.TryGetValue(BenchOptions.ServicePg, out var pg) && Throughput.TryGetValue(BenchOptions.Service, out var m) && m.RecordsPerSecond > 0
            ? pg.RecordsPerSecond / m.RecordsPerSecond : null;

    public double? ServiceToBaseline => ThroughputVsBaseline(BenchOptions.Service);

    public double? ServiceCpuToBaseline => CpuVsBaseline(BenchOptions.Service);
}
