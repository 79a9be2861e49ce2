using HeaterOrleans.Contracts;

namespace HeaterOrleans.Silo.Http;

/// <summary>The JSON shape of <c>GET /sensors/{id}</c>. <c>StaleSince</c> is set while the failsafe holds the heater Off.</summary>
public sealed record SensorView(
    int SensorId, SensorSetting? Setting, string? LastAction, double? LastReading, DateTimeOffset? UpdatedAt, DateTimeOffset? StaleSince)
{
    public static SensorView From(SensorSnapshot snapshot) =>
        new(snapshot.SensorId, snapshot.Setting, snapshot.LastAction?.ToString(), snapshot.LastReading, snapshot.UpdatedAt, snapshot.StaleSince);
}
