using HeaterOrleans.Contracts;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// A room with a heater and a sensor (<see cref="RoomPhysics"/>, the model <c>tools/Simulation</c> uses too), plus a
/// little sensor noise. The heater does what the last command said.
/// </summary>
internal sealed class SimulatedHeater(int sensorId, double temperature, SensorSetting setting)
{
    // A room of the simulation's range: 15 minutes' time constant, 5 °C outside, 30 °C with the heater always on.
    private static readonly RoomPhysics Room = new(Tau: 900, Outside: 5, HeatedEquilibrium: 30);

    // Room temperatures of the last readings, oldest first, for the console's trend.
    private const int TrendLength = 16;

    private readonly Queue<double> _trend = new(TrendLength);
    private volatile bool _on;

    public int SensorId { get; } = sensorId;

    public SensorSetting Setting { get; } = setting;

    public double Temperature { get; private set; } = temperature;

    public bool IsOn => _on;

    /// <summary>When the last command that changed the heater arrived; null before the first.</summary>
    public DateTimeOffset? LastSwitch { get; private set; }

    public void Obey(bool on, DateTimeOffset now)
    {
        if (on != _on)
        {
            LastSwitch = now;
        }

        _on = on;
    }

    public void Step(TimeSpan elapsed)
    {
        Temperature = Room.Toward(Room.Equilibrium(_on), Temperature, elapsed.TotalSeconds);
        lock (_trend)
        {
            if (_trend.Count == TrendLength)
            {
                _trend.Dequeue();
            }

            _trend.Enqueue(Temperature);
        }
    }

    /// <summary>The temperatures of the last few readings, oldest first.</summary>
    public double[] Trend()
    {
        lock (_trend)
        {
            return [.. _trend];
        }
    }

    public double Read(Random noise) => Temperature + ((noise.NextDouble() - 0.5) * 0.1);
}
