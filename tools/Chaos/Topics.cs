namespace HeaterOrleans.Chaos;

/// <summary>The service's default topic names and consumer group.</summary>
internal static class Topics
{
    public const string Readings = "sensor";
    public const string Settings = "tempset";
    public const string Commands = "heatercontrol";
    public const string DeadLetter = "heater-deadletter";
    public const string Group = "heater-controller";
}
