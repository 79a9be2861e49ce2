using HeaterOrleans.Contracts;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Sensor grain references for the per-record path. <c>GetGrain&lt;ISensorGrain&gt;(long)</c> resolves the
/// interface type by convention and then the grain type on every call (about 4 % of the service's CPU in a profile of
/// the bench); both are fixed, so they are resolved once, on first use (the silo's manifest is ready by then).
/// </summary>
internal sealed class SensorGrains(IGrainFactory grains)
{
    // A reference type, so that threads racing on first use each see a whole pair.
    private Tuple<GrainType, GrainInterfaceType>? _types;

    public ISensorGrain Get(int sensorId)
    {
        var types = _types ??= Resolve();
        var id = GrainId.Create(types.Item1, GrainIdKeyExtensions.CreateIntegerKey(sensorId));
        return (ISensorGrain)grains.GetGrain(id, types.Item2);
    }

    private Tuple<GrainType, GrainInterfaceType> Resolve()
    {
        var reference = (GrainReference)grains.GetGrain<ISensorGrain>(0);
        return Tuple.Create(reference.GrainId.Type, reference.InterfaceType);
    }
}
