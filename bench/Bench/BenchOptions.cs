namespace HeaterOrleans.Bench;

/// <summary>Benchmark settings, from the command line as <c>--Name=value</c>.</summary>
public sealed class BenchOptions
{
    /// <summary>Readings pre-produced for the throughput runs.</summary>
    public int Readings { get; set; } = 1_000_000;

    public int Sensors { get; set; } = 10_000;

    public int Partitions { get; set; } = 8;

    /// <summary>Offered rate of the latency run, readings per second.</summary>
    public int Rate { get; set; } = 5_000;

    public int LatencySeconds { get; set; } = 10;

    public int SettingSamples { get; set; } = 200;

    /// <summary>Distinct active sensors at which memory is measured, ascending, comma-separated.</summary>
    public string MemorySensors { get; set; } = "100000,1000000";

    public IEnumerable<int> MemorySteps =>
        MemorySensors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Folder for bench-results.json and bench-results.md.</summary>
    public string Output { get; set; } = "bench-results";

    /// <summary>A real Kafka to run against instead of the embedded broker (its topics must exist).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Run with the stale-sensor failsafe (a reminder per heater that is On), as in production.</summary>
    public bool Failsafe { get; set; } = true;

    /// <summary>Keep sensor state in this PostgreSQL database instead of memory.</summary>
    public string? PostgreSql { get; set; }
}
