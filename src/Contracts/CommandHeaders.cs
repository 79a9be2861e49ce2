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
}
