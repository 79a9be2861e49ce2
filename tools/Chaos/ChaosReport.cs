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

    public int ExpectedCommands { get; init; }

    public int CommandsSeen { get; init; }

    /// <summary>Model commands missing from the commands topic (in order), summed over sensors.</summary>
    public int Lost { get; init; }

    public List<LostSensor> LostSensors { get; init; } = [];

    /// <summary>Commands beyond the model's count: at-least-once replays after a crash.</summary>
    public int Duplicates { get; init; }

    public int MalformedCommands { get; init; }

    public int SensorsOnSeveralPartitions { get; init; }

    public int GarbageSent { get; init; }

    /// <summary>Garbage records found in the dead-letter topic.</summary>
    public int DeadLettered { get; init; }

    /// <summary>Garbage records dead-lettered more than once (replays).</summary>
    public int DeadLetterRepeats { get; init; }

    public List<GarbageSent> GarbageMissing { get; init; } = [];

    public List<UnexpectedDeadLetter> UnexpectedDeadLetters { get; init; } = [];

    public List<FaultRecord> Faults { get; init; } = [];

    public double TotalSeconds { get; init; }

    /// <summary>From the first reading produced until the group caught up.</summary>
    public double ProcessingSeconds { get; init; }

    /// <summary>Input records (readings, settings, garbage) per second over <see cref="ProcessingSeconds"/>.</summary>
    public double RecordsPerSecond { get; init; }

    public bool Passed => CaughtUp && Lost == 0 && GarbageMissing.Count == 0 && UnexpectedDeadLetters.Count == 0 && MalformedCommands == 0;
}
