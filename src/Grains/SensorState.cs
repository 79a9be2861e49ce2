using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains;

/// <summary>
/// Persisted per-sensor state. <see cref="Setting"/>, <see cref="LastAction"/> and <see cref="StaleSince"/> are
/// what correctness depends on and are stored before a call returns; <see cref="LastReading"/> and
/// <see cref="UpdatedAt"/> are informational and ride along with the next write.
/// Ids are stable: add new members with new ids, never reuse one.
/// </summary>
[GenerateSerializer]
public sealed class SensorState : IWatchedState
{
    [Id(0)] public SensorSetting? Setting { get; set; }

    [Id(1)] public HeaterAction? LastAction { get; set; }

    [Id(2)] public double? LastReading { get; set; }

    [Id(3)] public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Sequence number of the last command sent (the <c>heater-sequence</c> header).</summary>
    [Id(4)] public long Sequence { get; set; }

    /// <summary>When the failsafe switched the heater Off because the sensor went silent; cleared by the next reading.</summary>
    [Id(5)] public DateTimeOffset? StaleSince { get; set; }

    /// <summary>The last reading applied per source partition: a replayed or repeated reading is skipped.</summary>
    [Id(6)] public UpdatePosition[] ReadingsApplied { get; set; } = [];

    /// <summary>The last setting applied per source partition.</summary>
    [Id(7)] public UpdatePosition[] SettingsApplied { get; set; } = [];

    /// <summary>The failsafe watches a heater while it is On (not stored: derived).</summary>
    public bool Watched => LastAction == HeaterAction.On;
}
