namespace HeaterOrleans.Grains;

/// <summary>
/// One watched sensor in the silo's <see cref="FailsafeSweeper"/>: its grain moves <see cref="HeardAt"/> on every
/// reading (a plain write, no call), and the sweeper reads it when the deadline comes. Times are the silo's monotonic
/// timestamps (<see cref="TimeProvider.GetTimestamp"/>): a wall clock stepped by NTP neither fires nor holds back an Off.
/// </summary>
public sealed class FailsafeWatch(long sensorId, long heardAt)
{
    private long _heardAt = heardAt;
    private volatile bool _cancelled;

    public long SensorId { get; } = sensorId;

    /// <summary>When the sensor was last heard, as a monotonic timestamp of this silo.</summary>
    public long HeardAt => Volatile.Read(ref _heardAt);

    public bool Cancelled => _cancelled;

    public void Heard(long at) => Volatile.Write(ref _heardAt, at);

    internal void Cancel() => _cancelled = true;
}
