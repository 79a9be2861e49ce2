using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains;

/// <summary>The position of the last update a grain applied from one topic: its source partition and offset.</summary>
internal readonly record struct UpdatePosition(int Source, long Offset)
{
    public static readonly UpdatePosition None = new(SensorUpdate.Unpositioned, -1);

    public static UpdatePosition Of(SensorUpdate update) => new(update.Source, update.Offset);

    /// <summary>Whether <paramref name="update"/> comes from the same partition at or before this position.</summary>
    public bool Covers(SensorUpdate update) =>
        update.Source != SensorUpdate.Unpositioned && update.Source == Source && update.Offset <= Offset;
}
