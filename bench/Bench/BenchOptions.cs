using System.ComponentModel;
using System.Globalization;

namespace HeaterOrleans.Bench;

/// <summary>Benchmark settings, from the command line as <c>--Name=value</c> (see <c>--help</c>).</summary>
public sealed class BenchOptions
{
    public const string Baseline = "baseline";
    public const string Service = "service";
    public const string ServicePg = "service-pg";
    public const string Peer = "peer";
    public const string SiloProcesses = "silos";
    public const string NoPostgreSql = "none";

    [Description("Readings pre-produced for the throughput runs (each variant gets its own copy).")]
    public int Readings { get; set; } = 1_000_000;

    [Description("Sensors the pre-produced readings are spread over (each gets a setting first).")]
    public int Sensors { get; set; } = 10_000;

    [Description("Partitions of every topic the bench creates.")]
    public int Partitions { get; set; } = 8;

    [Description("Offered rate of the latency runs (the one-hop floor and each variant), readings per second.")]
    public int Rate { get; set; } = 5_000;

    [Description("Duration of each latency run, seconds.")]
    public int LatencySeconds { get; set; } = 60;

    [Description("Sensors the latency runs' readings go round-robin over (each switches its heater every second reading).")]
    public int LatencySensors { get; set; } = 500;

    [Description("Same as --LatencySeconds; wins when both are given.")]
    public int? Seconds { get; set; }

    [Description("Seconds of the same load before each latency run's measured seconds (JIT, first activations); counted for 'kept up', not in the percentiles or CPU.")]
    public int WarmupSeconds { get; set; } = 5;

    [Description("Run only the latency at --Rate for --Seconds (one-hop floor, then each variant), e.g. to find the highest rate at which p99 stays within 20 ms.")]
    public bool Sustained { get; set; }

    [Description("Variants to measure, comma-separated: baseline, service, service-pg (the service on PostgreSQL), peer, silos (silo processes, see --Silos). Default: all in a full run (silos only with --Silos of 2 or more), service and service-pg with --Sustained (without service-pg and silos when --PostgreSql=none).")]
    public string? Variants { get; set; }

    [Description("Stream threads of the Streamiz peer.")]
    public int PeerThreads { get; set; } = 1;

    [Description("Measure the one-hop floor (outside producer to outside consumer) before the latency runs.")]
    public bool Floor { get; set; } = true;

    [Description("Samples of the setting-to-effect run (full run only).")]
    public int SettingSamples { get; set; } = 200;

    [Description("Active sensors at which memory is measured, ascending, comma-separated; empty skips it (full run only).")]
    public string MemorySensors { get; set; } = "100000,1000000";

    [Description("Folder for bench-results.json, bench-results.md and the child processes' logs.")]
    public string Output { get; set; } = "bench-results";

    [Description("A real Kafka instead of the embedded broker; the bench creates run-unique topics there and deletes them at the end.")]
    public string? BootstrapServers { get; set; }

    [Description("Run the service with the stale-sensor failsafe (a reminder per heater that is On), as in production.")]
    public bool Failsafe { get; set; } = true;

    [Description("The database of the service-pg variant (Npgsql connection string; run-unique topics keep runs apart in it). Default: a throwaway server from /usr/lib/postgresql/*/bin, as the tests start, with a fresh database per phase; 'none' skips service-pg.")]
    public string? PostgreSql { get; set; }

    [Description("Seconds the throwaway PostgreSQL server is stopped in the middle of a service-pg run at --Rate (warm-up, 10 s, the outage, 30 s), after service-pg's latency run (full run, or --Sustained with service-pg); 0 skips it, and so does --PostgreSql=<connection string> (the bench stops only its own server).")]
    public int Outage { get; set; } = 10;

    [Description("Silo processes of the silos phase (full run): --Readings (at most 1,000,000) through 1 silo process, then through this many with placement by partition and with Orleans' placement, each on fresh topics and PostgreSQL (membership and state; a fresh database on the throwaway server); 0 or 1 skips it; at most --Partitions.")]
    public int Silos { get; set; } = 3;

    [Description("Seconds the churn run of the silos phase watches after each change (a silo added, then one killed) while readings flow at 2,000/s; 0 skips the churn run.")]
    public int ChurnSeconds { get; set; } = 30;

    [Description("max_connections of the throwaway PostgreSQL server (default: PostgreSQL's own, 100); lower it to check that silos stay within a small server, e.g. 30 with --Silos=2. Not with --PostgreSql=<connection string>.")]
    public int? PostgreSqlMaxConnections { get; set; }

    public int Duration => Seconds ?? LatencySeconds;

    public bool SkipsPostgreSql => string.Equals(PostgreSql, NoPostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>A database of the user's (not a throwaway server), where state outlives the run.</summary>
    public string? ExternalPostgreSql => SkipsPostgreSql ? null : PostgreSql;

    public IEnumerable<int> MemorySteps =>
        MemorySensors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>The variants this run measures, in the order they run.</summary>
    public IReadOnlySet<string> VariantSet =>
        (Variants ?? DefaultVariants)
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(v => v.ToLowerInvariant()).ToHashSet();

    public bool Runs(string variant) => VariantSet.Contains(variant);

    private string DefaultVariants
    {
        get
        {
            string[] all = Sustained ? [Service, ServicePg] : [Baseline, Service, ServicePg, Peer, .. Silos > 1 ? new[] { SiloProcesses } : []];
            return string.Join(',', all.Where(v => v is not (ServicePg or SiloProcesses) || !SkipsPostgreSql));
        }
    }
}
