namespace HeaterOrleans.Chaos;

/// <summary>The outcome of a run, as printed and written to the JSON report.</summary>
public sealed record ChaosReport
{
    public required ChaosOptions Options { get; init; }

    public required string RunFolder { get; init; }

    public int Sensors { get; init; }

    public int Readings { get; init; }

    public int Settings { get; init; }

    /// <summary>Whether the group committed every input record before the timeout.</summary>
    public bool CaughtUp { get; init; }

    /// <summary>Why figures are missing, when they are (the workload could not be produced in time).</summary>
    public string? Note { get; init; }

    /// <summary>What came out of the service, checked against the model; empty when the check did not run.</summary>
    public CheckResult Output { get; init; } = new();

    public int GarbageSent { get; init; }

    public List<FaultRecord> Faults { get; init; } = [];

    public double TotalSeconds { get; init; }

    /// <summary>From the first reading produced until the group caught up.</summary>
    public double ProcessingSeconds { get; init; }

    /// <summary>Input records (readings, settings, garbage) per second over <see cref="ProcessingSeconds"/>.</summary>
    public double RecordsPerSecond { get; init; }

    public bool Passed => CaughtUp && Output is { Lost: 0, Spurious: 0, GarbageMissing.Count: 0, UnexpectedDeadLetters.Count: 0, MalformedCommands: 0 };
}
