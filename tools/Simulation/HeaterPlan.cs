using HeaterOrleans.Contracts;
using HeaterOrleans.Silo.Simulator;

namespace HeaterOrleans.Simulation;

/// <summary>
/// One room and its settings, the same for every variant: drawn from the run's seed and the heater's
/// index only, so the variants differ in nothing but the added delay.
/// </summary>
public sealed record HeaterPlan(
    int Index,
    double Tau,
    double Power,
    double Outside,
    double InitialTemperature,
    SensorSetting Setting,
    SensorSetting? ChangedSetting,
    int NoiseSeed)
{
    /// <summary>Where the room settles with the heater on.</summary>
    public double HeatedEquilibrium => Outside + (Power * Tau);

    /// <summary>The room's physics, the model the built-in simulator uses too.</summary>
    public RoomPhysics Physics => new(Tau, Outside, HeatedEquilibrium);

    public static IReadOnlyList<HeaterPlan> Create(SimulationOptions options)
    {
        var plans = new HeaterPlan[options.Heaters];
        for (var i = 0; i < plans.Length; i++)
        {
            // A generator per heater (HashCode is salted per process, so a plain mix): changing Heaters
            // does not change the rooms that stay.
            var random = new Random(unchecked((options.Seed * 1_000_003) + i));
            var tau = Between(random, options.TauMin, options.TauMax);
            var outside = Between(random, options.OutsideMin, options.OutsideMax);
            // Desired temperatures in half degrees, as people set them.
            var desired = 19 + (Math.Round(random.NextDouble() * 6) / 2);
            var rise = Between(random, options.HeaterRiseMin, options.HeaterRiseMax);
            var power = (desired + rise - outside) / tau;
            // Most rooms start cold, some above their band.
            var initial = desired + Between(random, -4, 2);
            var changes = random.NextDouble() < options.SettingChangeShare;
            var sign = random.Next(2) == 0 ? -1 : 1;
            var setting = new SensorSetting(desired, options.UpDelta, options.DownDelta);
            plans[i] = new HeaterPlan(i, tau, power, outside, initial, setting,
                changes ? setting with { Desired = desired + (sign * options.SettingChangeBy) } : null,
                random.Next());
        }

        return plans;
    }

    private static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
