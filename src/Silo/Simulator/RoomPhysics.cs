namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// The one room model of both simulators (the built-in heaters of the default run and <c>tools/Simulation</c>):
/// Newton's law of cooling towards the outside temperature, plus a heater that, left on, brings the room to
/// <see cref="HeatedEquilibrium"/>. Integrated exactly, T(t) = Teq + (T0 − Teq)·e^(−t/τ), so any step is stable and
/// a switch can take effect at its own instant.
/// </summary>
/// <param name="Tau">The room's time constant, seconds (its heat loss to outside).</param>
/// <param name="Outside">The outside temperature, °C: where the room settles with the heater off.</param>
/// <param name="HeatedEquilibrium">Where the room settles with the heater always on, °C.</param>
public sealed record RoomPhysics(double Tau, double Outside, double HeatedEquilibrium)
{
    /// <summary>Where the room is heading with the heater on or off.</summary>
    public double Equilibrium(bool on) => on ? HeatedEquilibrium : Outside;

    /// <summary>The temperature <paramref name="seconds"/> after <paramref name="from"/>, heading for <paramref name="equilibrium"/>.</summary>
    public double Toward(double equilibrium, double from, double seconds) =>
        equilibrium + ((from - equilibrium) * Math.Exp(-seconds / Tau));

    /// <summary>Seconds until the temperature, from <paramref name="from"/> heading for <paramref name="equilibrium"/>, reaches <paramref name="level"/>.</summary>
    public double SecondsToReach(double equilibrium, double from, double level) =>
        Tau * Math.Log((from - equilibrium) / (level - equilibrium));
}
