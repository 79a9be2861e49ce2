using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains;

/// <summary>The last update a grain applied from one source partition: its offset and Kafka timestamp.</summary>
[GenerateSerializer, Immutable]
public readonly record struct UpdatePosition([property: Id(0)] int Source, [property: Id(1)] long Offset, [property: Id(2)] long Timestamp)
{
    public static UpdatePosition Of(SensorUpdate update) => new(update.Source, update.Offset, update.Timestamp);

    /// <summary>
    /// Whether <paramref name="update"/> comes from this partition at or before this position. The timestamp must not
    /// be newer either: a topic deleted and created again starts its offsets anew, and its records are new ones, not
    /// a replay.
    /// </summary>
    public bool Covers(SensorUpdate update) =>
        update.Source == Source && update.Offset <= Offset && update.Timestamp <= Timestamp;
}
