using System.Diagnostics;

namespace HeaterOrleans.Simulation;

/// <summary>
/// Simulated time: real time since <see cref="Start"/> times the compression, or, in lockstep, whatever the
/// stepping loop last <see cref="Set"/> (the instant of the latest reading sent).
/// </summary>
internal sealed class SimClock
{
    private readonly double _compression;
    private long _started;
    private double _stepped;

    private SimClock(double compression) => _compression = compression;

    public static SimClock RealTime(double compression) => new(compression);

    public static SimClock Stepped() => new(0);

    public bool IsStepped => _compression == 0;

    public double Now => IsStepped ? Volatile.Read(ref _stepped)
        : _started == 0 ? 0 : Stopwatch.GetElapsedTime(_started).TotalSeconds * _compression;

    public TimeSpan RealElapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    public void Start() => _started = Stopwatch.GetTimestamp();

    /// <summary>Lockstep: simulated time is now <paramref name="time"/>.</summary>
    public void Set(double time)
    {
        if (!IsStepped)
        {
            throw new InvalidOperationException("A real-time clock cannot be set.");
        }

        Volatile.Write(ref _stepped, time);
    }

    /// <summary>Real time until simulated time <paramref name="time"/>.</summary>
    public TimeSpan Until(double time) => IsStepped ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(0, (time - Now) / _compression));
}
