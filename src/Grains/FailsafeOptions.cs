namespace HeaterOrleans.Grains;

/// <summary>
/// The stale-sensor failsafe (<c>Failsafe:*</c>): a heater left On by a sensor that went silent is switched Off.
/// </summary>
public sealed class FailsafeOptions
{
    public const string SectionName = "Failsafe";

    public bool Enabled { get; set; } = true;

    /// <summary>How long a sensor whose heater is On may stay silent before the heater is switched Off.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The failsafe judges silence only while no partition the silo consumes lags by more than this many records (a
    /// backlog holds readings back, so their sensors are not silent).
    /// </summary>
    public long MaxLag { get; set; } = 1000;

    /// <summary>How soon a failed switch-off (broker or database down) is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
