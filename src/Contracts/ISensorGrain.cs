using Orleans.Concurrency;

namespace HeaterOrleans.Contracts;

/// <summary>
/// One grain per sensor; the integer key is the sensor ID (&gt; 0). Calls must be made in the order
/// the records were consumed: the ingress bridge awaits each call before the next for the same sensor.
/// A call that returns has made its effect durable (command acknowledged by Kafka, state stored).
/// </summary>
public interface ISensorGrain : IGrainWithIntegerKey
{
    /// <summary>Applies a new setting. The last action sent is kept.</summary>
    Task ApplySettingAsync(SensorSetting setting);

    /// <summary>Applies a reading, emitting a command on the egress stream when the action changes.</summary>
    Task ApplyReadingAsync(SensorReading reading);

    /// <summary>
    /// Applies readings and settings in the given order, as if one call each, with one grain turn and one state
    /// write for all of them. Updates at or below the last position applied from their source are skipped.
    /// </summary>
    Task ApplyAsync(Immutable<SensorUpdate[]> updates);

    /// <summary>
    /// Moves the grain, once idle, to the silo that now consumes its sensor's readings partition, when that is known
    /// and another silo; else does nothing. Sent by a silo to its own activations after a rebalance, one way, so that
    /// it can ask thousands at once: each call waits its turn behind the sensor's queued readings.
    /// </summary>
    [OneWay]
    Task MoveHomeAsync();

    /// <summary>The sensor's current state; <c>null</c> when the sensor has never been seen.</summary>
    [AlwaysInterleave]
    Task<SensorSnapshot?> GetSnapshotAsync();
}
