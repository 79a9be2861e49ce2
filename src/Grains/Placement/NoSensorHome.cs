using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains.Placement;

/// <summary>A silo without an ingress (a test host): no sensor has a home, and grains stay where they are placed.</summary>
public sealed class NoSensorHome : ISensorHome
{
    public SiloAddress? HomeOf(long sensorId) => null;

    public bool? ConsumedHere(SensorUpdate update) => null;

    public SiloAddress? ConsumerOf(SensorUpdate update) => null;
}
