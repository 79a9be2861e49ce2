namespace HeaterOrleans.Simulation;

/// <summary>
/// The same rooms under one added delay, with their own block of sensor IDs: variant v owns
/// v·1,000,000 + 1 upwards, so all variants share the service and the broker at the same moment.
/// </summary>
internal sealed class Variant
{
    public const int IdBlock = 1_000_000;

    public Variant(int number, double delay, IReadOnlyList<HeaterPlan> plans, SimulationOptions options, ISet<int> traced)
    {
        Number = number;
        Delay = delay;
        var changeAt = options.EffectiveSettingChangeAt.TotalSeconds;
        Rooms = [.. plans.Select(p => new SimulatedRoom(p, SensorId(number, p.Index), delay, changeAt, options.Noise, options.NoiseKind,
            Histogram, traced.Contains(p.Index)))];
    }

    public int Number { get; }

    public double Delay { get; }

    public SimulatedRoom[] Rooms { get; }

    public DeviationHistogram Histogram { get; } = new();

    /// <summary>Reading → command arrival of every command, simulated seconds; written by the command thread only.</summary>
    public List<double> RealizedDelays { get; } = [];

    public static int SensorId(int variant, int index) => (variant * IdBlock) + index + 1;

    public static (int Variant, int Index) Locate(int sensorId) => ((sensorId - 1) / IdBlock, (sensorId - 1) % IdBlock);
}
