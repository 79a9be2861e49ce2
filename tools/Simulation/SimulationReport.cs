using System.Text.Json.Serialization;

namespace HeaterOrleans.Simulation;

/// <summary>What one simulation run measured, and whether the loop worked at all.</summary>
public sealed class SimulationReport
{
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";

    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    public required SimulationOptions Options { get; init; }

    /// <summary>Real time of the closed loop, from the first reading to the end of the simulated run.</summary>
    public double RealSeconds { get; set; }

    /// <summary>Readings per real second the service was offered (in lockstep: as many as it took).</summary>
    public double OfferedReadingsPerSecond { get; set; }

    /// <summary>Lockstep only: simulated seconds stepped, and the real time each took, ms (NaN in real time).</summary>
    public int LockstepSteps { get; set; }

    public double StepMillisecondsP50 { get; set; } = double.NaN;

    public double StepMillisecondsP99 { get; set; } = double.NaN;

    public double StepMillisecondsMax { get; set; } = double.NaN;

    public long ReadingsSent { get; set; }

    public long CommandsReceived { get; set; }

    public long CommandsWithoutKnownReading { get; set; }

    public long ServiceErrors { get; set; }

    public IReadOnlyList<string> ServiceErrorSamples { get; set; } = [];

    public long DeadLettered { get; set; }

    public long ProduceErrors { get; set; }

    public List<VariantSummary> Variants { get; } = [];

    /// <summary>Per heater and variant; also in the CSV, for spreadsheets.</summary>
    public List<HeaterResult> Heaters { get; } = [];

    /// <summary>Traces of the plotted heaters by variant and heater index.</summary>
    [JsonIgnore]
    public Dictionary<(int Variant, int Index), HeaterTrace> Traces { get; } = [];

    /// <summary>Why the loop is not to be trusted; empty when it worked.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Worth knowing but not a failure (e.g. a heater that had no time to reach its band).</summary>
    public List<string> Warnings { get; } = [];

    public List<string> Files { get; } = [];

    public bool Passed => Failures.Count == 0;
}
