using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains;

/// <summary>
/// The positions of the last updates a sensor applied from one topic, one per source partition (normally one: our
/// producers key records by sensor). Kept with the sensor's state, it makes a replay change nothing.
/// </summary>
internal static class UpdateFence
{
    // A sensor whose records come from more partitions than this (a producer without keys) keeps the latest ones.
    private const int MaxSources = 8;

    public static bool Covers(UpdatePosition[] fence, SensorUpdate update)
    {
        if (update.Source == SensorUpdate.Unpositioned)
        {
            return false;
        }

        foreach (var position in fence)
        {
            if (position.Source == update.Source)
            {
                return position.Covers(update);
            }
        }

        return false;
    }

    /// <summary>Moves the fence past <paramref name="update"/>; in place when its partition is known (no allocation).</summary>
    public static UpdatePosition[] Advance(UpdatePosition[] fence, SensorUpdate update)
    {
        if (update.Source == SensorUpdate.Unpositioned)
        {
            return fence;
        }

        for (var i = 0; i < fence.Length; i++)
        {
            if (fence[i].Source == update.Source)
            {
                fence[i] = UpdatePosition.Of(update);
                return fence;
            }
        }

        return [.. fence.Length < MaxSources ? fence : fence[1..], UpdatePosition.Of(update)];
    }
}
