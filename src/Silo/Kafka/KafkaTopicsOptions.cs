namespace HeaterOrleans.Silo.Kafka;

/// <summary>Topic names (<c>Kafka:Topics:*</c>).</summary>
public sealed class KafkaTopicsOptions
{
    public string Readings { get; set; } = "sensor";

    public string Settings { get; set; } = "tempset";

    public string Commands { get; set; } = "heatercontrol";

    public string DeadLetter { get; set; } = "heater-deadletter";

    public IEnumerable<(string Key, string Name)> All =>
    [
        (nameof(Readings), Readings), (nameof(Settings), Settings),
        (nameof(Commands), Commands), (nameof(DeadLetter), DeadLetter),
    ];
}
