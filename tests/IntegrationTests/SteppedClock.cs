namespace HeaterOrleans.IntegrationTests;

/// <summary>The system's clocks, with a wall clock that can be stepped (as NTP does) while monotonic time runs on.</summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
