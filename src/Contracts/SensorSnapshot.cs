namespace HeaterOrleans.Contracts;

/// <summary>What a sensor grain knows, as seen from outside (HTTP, tests).</summary>
[GenerateSerializer, Immutable]
public sealed record SensorSnapshot(
    [property: Id(0)] int SensorId,
    [property: Id(1)] SensorSetting? Setting,
    [property: Id(2)] HeaterAction? LastAction,
    [property: Id(3)] double? LastReading,
    [property: Id(4)] DateTimeOffset? UpdatedAt,
    [property: Id(5)] DateTimeOffset? StaleSince = null);
