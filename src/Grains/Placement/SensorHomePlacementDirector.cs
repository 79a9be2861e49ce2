using Orleans.Runtime.Placement;

namespace HeaterOrleans.Grains.Placement;

/// <summary>
/// Places (and, on migration, moves) a sensor's grain: an explicit placement hint first, then the sensor's home if it
/// can host the grain, else this silo (where the call that activates it was usually consumed), else any compatible one.
/// </summary>
public sealed class SensorHomePlacementDirector(ISensorHome home) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var chosen = IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible)
            ?? (home.HomeOf(target.GrainIdentity.GetIntegerKey()) is { } sensorHome && compatible.Contains(sensorHome) ? sensorHome : null)
            ?? (context.LocalSiloStatus == SiloStatus.Active && compatible.Contains(context.LocalSilo)
                ? context.LocalSilo
                : compatible[Random.Shared.Next(compatible.Length)]);
        return Task.FromResult(chosen);
    }
}
