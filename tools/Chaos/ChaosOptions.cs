using System.ComponentModel;

namespace HeaterOrleans.Chaos;

/// <summary>What one chaos run does; the defaults are those of the command line.</summary>
public sealed record ChaosOptions
{
    [Description("Sensors in the workload.")]
    public int Sensors { get; init; } = 10_000;

    /// <summary>Readings in all, sent in rounds of one reading per sensor.</summary>
    [Description("Readings in all, sent in rounds of one reading per sensor.")]
    public int Readings { get; init; } = 300_000;

    /// <summary>Silos killed (SIGKILL) during the run, one at a time.</summary>
    [Description("Silos killed (SIGKILL) during the run, one at a time, each replaced.")]
    public int Kills { get; init; } = 3;

    /// <summary>Partitions per topic of the broker process.</summary>
    [Description("Partitions per topic of the broker process.")]
    public int Partitions { get; init; } = 8;

    /// <summary>Share of records, in percent, followed by a garbage record on the same topic.</summary>
    [Description("Share of records, in percent, followed by a garbage record on the same topic.")]
    public double GarbagePercent { get; init; } = 1;

    [Description("Seed of the workload and of the faults.")]
    public int Seed { get; init; } = 42;

    /// <summary>Where the JSON report goes (a copy also goes to the run folder).</summary>
    [Description("Where the JSON report goes (a copy also goes to the run folder).")]
    public string Report { get; init; } = "chaos-report.json";

    /// <summary>Longest wait from the start for the service to catch up; beyond it the run fails.</summary>
    [Description("Longest wait from the start for the service to catch up; beyond it the run fails.")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the broker refuses connections; zero = no broker outage.</summary>
    [Description("How long the broker refuses connections; 0 = no broker outage.")]
    public TimeSpan BrokerDown { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long PostgreSQL is stopped; zero = no database outage.</summary>
    [Description("How long PostgreSQL is stopped; 0 = no database outage.")]
    public TimeSpan PostgresDown { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long PostgreSQL stays down after a silo stopped during its outage has handed its partitions over (the
    /// old owner's lanes abandoned, the new owner's retrying); zero = no such fault.
    /// </summary>
    [Description("How long PostgreSQL stays down after a silo stopped (SIGTERM) during its outage has handed its partitions over; 0 = no such fault.")]
    public TimeSpan RebalanceInOutage { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay between killing a silo and starting its replacement.</summary>
    [Description("Delay between killing a silo and starting its replacement.")]
    public TimeSpan RestartAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Readings per second at most; 0 = as fast as <see cref="MaxLag"/> lets through.</summary>
    [Description("Readings per second at most; 0 = as fast as --MaxLag lets through.")]
    public int Rate { get; init; }

    /// <summary>
    /// Readings produced and not yet committed by the service beyond which production waits, so that the
    /// faults hit a service that is busy rather than one still working through a backlog produced long before.
    /// </summary>
    [Description("Readings produced and not yet committed by the service beyond which production waits.")]
    public int MaxLag { get; init; } = 20_000;

    /// <summary>Parent folder of the run folders (process logs, report copy).</summary>
    [Description("Parent folder of the run folders (process logs, report copy).")]
    public string RunsFolder { get; init; } = "chaos-runs";

    /// <summary>Extra <c>--Key=value</c> arguments for every silo.</summary>
    [Description("An extra --Key=value for every silo (repeat for more).")]
    public IReadOnlyList<string> SiloArgs { get; init; } = [];

    /// <summary>Describes the first invalid option, or <c>null</c>.</summary>
    public string? Validate() =>
        Sensors < 1 ? "--Sensors must be >= 1"
        : Readings < 1 ? "--Readings must be >= 1"
        : Kills < 0 ? "--Kills must be >= 0"
        : Partitions is < 1 or > 1000 ? "--Partitions must be between 1 and 1000"
        : GarbagePercent is < 0 or > 100 ? "--GarbagePercent must be between 0 and 100"
        : Timeout <= TimeSpan.Zero ? "--Timeout must be > 0"
        : BrokerDown < TimeSpan.Zero || PostgresDown < TimeSpan.Zero || RebalanceInOutage < TimeSpan.Zero || RestartAfter < TimeSpan.Zero ? "--BrokerDown, --PostgresDown, --RebalanceInOutage and --RestartAfter must be >= 0"
        : Rate < 0 ? "--Rate must be >= 0"
        : MaxLag < 1 ? "--MaxLag must be >= 1"
        : null;
}
