namespace HeaterOrleans.Grains;

/// <summary>
/// One watched sensor in the silo's <see cref="FailsafeSweeper"/>: its grain moves <see cref="HeardAt"/> on every
/// reading (a plain write, no call), and the sweeper reads it when the deadline comes.
/// </summary>
public sealed class FailsafeWatch(long sensorId, DateTimeOffset heardAt)
{
    private long _heardAtTicks = heardAt.UtcTicks;
    private volatile bool _cancelled;

    public long SensorId { get; } = sensorId;

    public DateTimeOffset HeardAt => new(Volatile.Read(ref _heardAtTicks), TimeSpan.Zero);

    public bool Cancelled => _cancelled;

    public void Heard(DateTimeOffset at) => Volatile.Write(ref _heardAtTicks, at.UtcTicks);

    internal void Cancel() => _cancelled = true;
}
