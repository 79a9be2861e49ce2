using System.Diagnostics.Metrics;

namespace HeaterOrleans.Grains;

/// <summary>Instruments of the sensor grains, on the <see cref="MeterName"/> meter.</summary>
public static class GrainMetrics
{
    public const string MeterName = "HeaterOrleans.Grains";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> StoreFailures =
        Meter.CreateCounter<long>("heater.storage.write_failures", description: "Sensor state writes that failed and will be retried");

    private static long _active;

    static GrainMetrics() =>
        Meter.CreateObservableGauge("heater.sensors.active", () => Active, description: "Sensor grains active in this silo");

    /// <summary>Sensor grains active in this silo.</summary>
    public static long Active => Interlocked.Read(ref _active);

    internal static void Activated() => Interlocked.Increment(ref _active);

    internal static void Deactivated() => Interlocked.Decrement(ref _active);

    internal static void StoreFailed() => StoreFailures.Add(1);
}
