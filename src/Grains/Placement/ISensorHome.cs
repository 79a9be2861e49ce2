using HeaterOrleans.Contracts;

namespace HeaterOrleans.Grains.Placement;

/// <summary>
/// Where sensors belong: the silo whose ingress consumes a sensor's readings partition. An eventually consistent
/// view; a placement on a stale one is still correct, only remote.
/// </summary>
public interface ISensorHome
{
    /// <summary>The silo that consumes <paramref name="sensorId"/>'s readings partition now; null while not known.</summary>
    SiloAddress? HomeOf(long sensorId);

    /// <summary>
    /// Whether this silo's ingress consumes the partition <paramref name="update"/> came from, that is whether the
    /// call that brought it was local; null when that cannot be told (no ingress here, or not from a record).
    /// </summary>
    bool? ConsumedHere(SensorUpdate update);

    /// <summary>
    /// The silo that consumes the readings partition <paramref name="update"/> came from now; null for a setting or while
    /// not known. Whatever partitioner the producer used, that is where the sensor's next readings will be consumed.
    /// </summary>
    SiloAddress? ConsumerOf(SensorUpdate update);
}
