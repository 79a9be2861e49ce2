namespace HeaterOrleans.Contracts;

/// <summary>
/// A command a sensor's grain decided to send: what the grain publishes on its command stream. How it looks on
/// Kafka (key, protobuf value, headers) is the silo's business, not the grain's.
/// </summary>
/// <param name="SensorId">The sensor, and so the heater, it is for.</param>
/// <param name="Action">On or Off.</param>
/// <param name="Sequence">Per-sensor number that only grows; stored with the sensor's state.</param>
/// <param name="ReadingTime">When the reading that caused it was taken; <c>null</c> when no reading did.</param>
/// <param name="Reason">Why it was sent.</param>
[GenerateSerializer, Immutable]
public sealed record HeaterCommandIssued(
    [property: Id(0)] int SensorId,
    [property: Id(1)] HeaterAction Action,
    [property: Id(2)] long Sequence,
    [property: Id(3)] DateTimeOffset? ReadingTime,
    [property: Id(4)] CommandReason Reason);
