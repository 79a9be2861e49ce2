namespace HeaterOrleans.Contracts;

/// <summary>One temperature reading and the time it was taken (the Kafka record's timestamp).</summary>
[GenerateSerializer, Immutable]
public sealed record SensorReading(
    [property: Id(0)] double Temperature,
    [property: Id(1)] DateTimeOffset Timestamp);
