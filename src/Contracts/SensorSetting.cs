namespace HeaterOrleans.Contracts;

/// <summary>A sensor's temperature setting: the band [Desired - DownDelta, Desired + UpDelta].</summary>
[GenerateSerializer, Immutable]
public sealed record SensorSetting(
    [property: Id(0)] double Desired,
    [property: Id(1)] double UpDelta,
    [property: Id(2)] double DownDelta);
