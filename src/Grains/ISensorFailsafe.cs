namespace HeaterOrleans.Grains;

/// <summary>
/// The failsafe's way into a sensor grain: the silo's <see cref="FailsafeSweeper"/> calls it when a watched sensor has
/// been silent for the timeout, and the PostgreSQL recovery calls it to wake a heater left On by a silo that is gone.
/// </summary>
public interface ISensorFailsafe : IGrainWithIntegerKey
{
    /// <summary>
    /// Switches the heater Off if the sensor has been silent for the timeout. <paramref name="sweeper"/> is the calling
    /// <see cref="FailsafeSweeper.Instance"/> (empty when the caller is not a sweeper); <paramref name="heardAt"/> is when
    /// that sweeper's watch last heard the sensor, a monotonic timestamp of the sweeper's silo (null when unknown: the
    /// timeout then runs from activation).
    /// Returns whether the caller's watch is the one this activation watches through; if not, the caller drops it.
    /// </summary>
    Task<bool> CheckSilenceAsync(Guid sweeper, long? heardAt);
}
