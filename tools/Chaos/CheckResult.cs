namespace HeaterOrleans.Chaos;

/// <summary>What came out of the service, compared with the reference model and the garbage sent.</summary>
public sealed record CheckResult
{
    public int ExpectedCommands { get; init; }

    public int CommandsSeen { get; init; }

    public int Lost { get; init; }

    public List<LostSensor> LostSensors { get; init; } = [];

    /// <summary>Exact repeats of the command before (same sequence number): acknowledged, but its state write was lost.</summary>
    public int Repeats { get; init; }

    /// <summary>Commands beyond the model's that are not exact repeats: a replay applied twice. Fails the run.</summary>
    public int Spurious { get; init; }

    public List<SpuriousSensor> SpuriousSensors { get; init; } = [];

    /// <summary>Commands whose key is not their sensor ID, or for a sensor the workload does not have.</summary>
    public int MalformedCommands { get; init; }

    /// <summary>Sensors whose commands are on more than one partition (their order is then undefined).</summary>
    public int SensorsOnSeveralPartitions { get; init; }

    public int DeadLettered { get; init; }

    public int DeadLetterRepeats { get; init; }

    public List<GarbageSent> GarbageMissing { get; init; } = [];

    public List<UnexpectedDeadLetter> UnexpectedDeadLetters { get; init; } = [];
}
