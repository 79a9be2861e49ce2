using System.Diagnostics.Metrics;

namespace HeaterOrleans.Grains;

/// <summary>Instruments of the sensor grains, on the <see cref="MeterName"/> meter.</summary>
public static class GrainMetrics
{
    public const string MeterName = "HeaterOrleans.Grains";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> StoreFailures =
        Meter.CreateCounter<long>("heater.storage.write_failures", description: "Sensor state writes that failed and will be retried");
    private static readonly Counter<long> FailsafeOffs =
        Meter.CreateCounter<long>("heater.failsafe.triggered", description: "Heaters switched Off because their sensor went silent");

    private static readonly Counter<long> FencedUpdates = Meter.CreateCounter<long>(
        "heater.updates.fenced", description: "Records a sensor grain skipped because it had applied them before (a replay, a rebalance, a duplicate)");

    private static long _active;
    private static long _writes;
    private static long _stale;
    private static long _failsafeOffs;
    private static long _localCalls;
    private static long _remoteCalls;
    private static long _migrations;

    static GrainMetrics()
    {
        Meter.CreateObservableCounter("heater.storage.writes", () => Writes, description: "Sensor state writes that completed");
        Meter.CreateObservableGauge("heater.sensors.active", () => Active, description: "Sensor grains active in this silo");
        Meter.CreateObservableGauge("heater.sensors.stale", () => Stale,
            description: "Active sensor grains whose heater the failsafe holds Off until the sensor reads again");
        Meter.CreateObservableCounter(
            "heater.grain.calls",
            () => new[]
            {
                new Measurement<long>(LocalCalls, new KeyValuePair<string, object?>("local", "true")),
                new Measurement<long>(RemoteCalls, new KeyValuePair<string, object?>("local", "false")),
            },
            description: "Ingress calls to sensor grains, by whether the grain lived on the silo that consumed the record");
        Meter.CreateObservableCounter("heater.grain.migrations", () => Migrations,
            description: "Sensor grains that asked to move to the silo consuming their partition");
    }

    /// <summary>Sensor grains active in this silo.</summary>
    public static long Active => Interlocked.Read(ref _active);

    /// <summary>Sensor state writes completed in this process.</summary>
    public static long Writes => Interlocked.Read(ref _writes);

    /// <summary>Heaters the failsafe switched Off in this process (readable, unlike the counter: the bench takes its difference over a phase).</summary>
    public static long FailsafeOffsTotal => Interlocked.Read(ref _failsafeOffs);

    /// <summary>Active sensor grains marked stale in this silo.</summary>
    public static long Stale => Interlocked.Read(ref _stale);

    /// <summary>Ingress calls to a grain on the silo that consumed the record, in this process.</summary>
    public static long LocalCalls => Interlocked.Read(ref _localCalls);

    /// <summary>Ingress calls to a grain on another silo than the one that consumed the record, in this process.</summary>
    public static long RemoteCalls => Interlocked.Read(ref _remoteCalls);

    /// <summary>Grains that asked to move to their home silo, in this process.</summary>
    public static long Migrations => Interlocked.Read(ref _migrations);

    internal static void Called(bool local) => Interlocked.Increment(ref local ? ref _localCalls : ref _remoteCalls);

    internal static void Migrating() => Interlocked.Increment(ref _migrations);

    internal static void Activated() => Interlocked.Increment(ref _active);

    internal static void Deactivated() => Interlocked.Decrement(ref _active);

    internal static void Stored() => Interlocked.Increment(ref _writes);

    internal static void StoreFailed() => StoreFailures.Add(1);

    /// <summary>Exports the event counters at 0 from the start (see the silo's <c>HeaterMetrics.StartAtZero</c>).</summary>
    public static void StartAtZero()
    {
        StoreFailures.Add(0);
        FailsafeOffs.Add(0);
        FencedUpdates.Add(0);
    }

    internal static void Fenced() => FencedUpdates.Add(1);

    internal static void FailsafeTriggered()
    {
        Interlocked.Increment(ref _failsafeOffs);
        FailsafeOffs.Add(1);
    }

    internal static void StaleChanged(bool stale)
    {
        if (stale)
        {
            Interlocked.Increment(ref _stale);
        }
        else
        {
            Interlocked.Decrement(ref _stale);
        }
    }
}
