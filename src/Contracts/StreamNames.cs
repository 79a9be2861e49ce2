namespace HeaterOrleans.Contracts;

/// <summary>Names shared by the grains that publish commands and the silo that registers the provider.</summary>
public static class StreamNames
{
    /// <summary>The Orleans stream provider whose queue is the Kafka commands topic.</summary>
    public const string CommandsProvider = "heater-commands";

    /// <summary>Stream namespace of heater commands; the stream key is the sensor ID.</summary>
    public const string CommandsNamespace = "heatercontrol";
}
