namespace HeaterOrleans.Bench;

/// <summary>
/// The topics and consumer group of one phase, named after it (<c>sensor-baseline</c>, <c>bench-baseline</c>, ...):
/// every phase starts on empty logs, so the embedded broker's log walk (its fetch cost grows with the log) does not
/// carry over from one phase to the next.
/// </summary>
public sealed record PhaseTopics(string Phase, string Readings, string Settings, string Commands, string DeadLetter)
{
    /// <summary><paramref name="tag"/> makes the names unique to a run on a real Kafka, where topics outlive the run.</summary>
    public static PhaseTopics For(string phase, string tag = "") =>
        new(phase, $"sensor-{phase}{tag}", $"tempset-{phase}{tag}", $"heatercontrol-{phase}{tag}", $"heater-deadletter-{phase}{tag}");

    public IEnumerable<string> All => [Readings, Settings, Commands, DeadLetter];

    /// <summary>The consumer group of whatever consumes the phase's readings (the variant, or the floor's probe).</summary>
    public string GroupId => $"bench-{Phase}";

    /// <summary>The service's configuration for these topics.</summary>
    public IEnumerable<string> ServiceArgs =>
    [
        $"--Kafka:Topics:Readings={Readings}", $"--Kafka:Topics:Settings={Settings}",
        $"--Kafka:Topics:Commands={Commands}", $"--Kafka:Topics:DeadLetter={DeadLetter}",
    ];
}
