using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Bench.Peer;

/// <summary>A reading joined with its sensor's current setting, or <c>null</c> when the sensor has none yet.</summary>
internal sealed record ReadingWithSetting(SensorData Reading, TemperatureControl? Setting);
