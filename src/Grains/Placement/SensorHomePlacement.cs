namespace HeaterOrleans.Grains.Placement;

/// <summary>
/// Places a sensor's grain on its home: the silo whose ingress consumes the sensor's partition of the readings topic
/// (<see cref="ISensorHome"/>), so that a reading normally never leaves the silo that consumed it.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SensorHomePlacement : PlacementStrategy
{
    public static SensorHomePlacement Instance { get; } = new();
}
