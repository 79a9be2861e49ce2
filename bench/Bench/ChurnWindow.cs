namespace HeaterOrleans.Bench;

/// <summary>What the silos did in one window of the churn run, summed over the silos alive at both its ends.</summary>
/// <param name="EndSeconds">The window's end, in seconds since the churn run's start.</param>
internal readonly record struct ChurnWindow(double EndSeconds, double Seconds, long LocalCalls, long RemoteCalls, long Readings)
{
    public long Calls => LocalCalls + RemoteCalls;

    public double? Share => Calls > 0 ? (double)LocalCalls / Calls : null;
}
