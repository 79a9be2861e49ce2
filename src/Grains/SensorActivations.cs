namespace HeaterOrleans.Grains;

/// <summary>How many sensor grains are active in this silo (for the summary log and metrics).</summary>
public static class SensorActivations
{
    private static long _active;

    public static long Active => Interlocked.Read(ref _active);

    internal static void Activated() => Interlocked.Increment(ref _active);

    internal static void Deactivated() => Interlocked.Decrement(ref _active);
}
