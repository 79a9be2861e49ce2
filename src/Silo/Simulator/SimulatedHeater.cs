using HeaterOrleans.Contracts;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// A room with a heater: Newton cooling towards the outside temperature, plus the heater's power
/// when it is on, plus a little sensor noise. The heater does what the last command said.
/// </summary>
internal sealed class SimulatedHeater(int sensorId, double temperature, SensorSetting setting)
{
    private const double OutsideTemperature = 5.0;
    private const double CoolingPerSecond = 1.0 / 1800; // 1/(time constant of the room)
    private const double HeatingEquilibrium = 30.0;     // where the room settles with the heater always on

    public int SensorId { get; } = sensorId;

    public SensorSetting Setting { get; } = setting;

    public double Temperature { get; private set; } = temperature;

    public volatile bool IsOn;

    public void Step(TimeSpan elapsed)
    {
        var target = IsOn ? HeatingEquilibrium : OutsideTemperature;
        // Exact solution of dT/dt = -k (T - target) over the step, so long steps stay stable.
        Temperature = target + ((Temperature - target) * Math.Exp(-CoolingPerSecond * elapsed.TotalSeconds));
    }

    public double Read(Random noise) => Temperature + ((noise.NextDouble() - 0.5) * 0.1);
}
