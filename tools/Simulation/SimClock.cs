using System.Diagnostics;

namespace HeaterOrleans.Simulation;

/// <summary>Simulated time: real time since <see cref="Start"/> times the compression.</summary>
internal sealed class SimClock(double compression)
{
    private long _started;

    public double Compression => compression;

    public double Now => _started == 0 ? 0 : Stopwatch.GetElapsedTime(_started).TotalSeconds * compression;

    public TimeSpan RealElapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    public void Start() => _started = Stopwatch.GetTimestamp();

    /// <summary>Real time until simulated time <paramref name="time"/>.</summary>
    public TimeSpan Until(double time) => TimeSpan.FromSeconds(Math.Max(0, (time - Now) / compression));
}
