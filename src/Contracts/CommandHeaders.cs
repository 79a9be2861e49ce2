namespace HeaterOrleans.Contracts;

/// <summary>
/// Kafka headers on every command, so that a heater can drop stale or repeated commands.
/// Values are decimal ASCII text.
/// </summary>
public static class CommandHeaders
{
    /// <summary>Per-sensor sequence number; only grows (it is stored with the sensor's state).</summary>
    public const string Sequence = "heater-sequence";

    /// <summary>Kafka timestamp (ms since the Unix epoch) of the reading that caused the command.</summary>
    public const string ReadingTime = "heater-reading-time";

    /// <summary>Set on commands not caused by a reading: <see cref="StaleSensor"/> when the failsafe switched the heater Off.</summary>
    public const string Reason = "heater-reason";

    /// <summary>The <see cref="Reason"/> of a failsafe Off: the sensor sent no reading for <c>Failsafe:StaleAfter</c>.</summary>
    public const string StaleSensor = "stale-sensor";
}
