namespace HeaterOrleans.Contracts;

/// <summary>
/// One consumed record for a sensor's grain: a reading or a setting, and where it came from. The grain applies a
/// batch of these in order and keeps, with its state, the position of the last one it applied per source
/// partition, so that a replay, a rebalance or a retried batch skips what it already did instead of doing it twice.
/// </summary>
/// <param name="Source">The record's source partition; <see cref="Unpositioned"/> for a direct call.</param>
/// <param name="Offset">The record's offset in that partition.</param>
/// <param name="Timestamp">The record's Kafka timestamp, ms since the epoch (0 when unknown).</param>
[GenerateSerializer, Immutable]
public sealed record SensorUpdate(
    [property: Id(0)] int Source,
    [property: Id(1)] long Offset,
    [property: Id(2)] SensorReading? Reading,
    [property: Id(3)] SensorSetting? Setting,
    [property: Id(4)] long Timestamp = 0)
{
    /// <summary>The <see cref="Source"/> of an update that did not come from a record: never skipped.</summary>
    public const int Unpositioned = -1;

    public static SensorUpdate Of(SensorReading reading, int source = Unpositioned, long offset = -1, long timestamp = 0) =>
        new(source, offset, reading, null, timestamp);

    public static SensorUpdate Of(SensorSetting setting, int source = Unpositioned, long offset = -1, long timestamp = 0) =>
        new(source, offset, null, setting, timestamp);
}
