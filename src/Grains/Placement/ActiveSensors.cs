namespace HeaterOrleans.Grains.Placement;

/// <summary>
/// The sensors with an activation on this silo, so that after a rebalance the silo can send the ones whose partition
/// another silo now consumes there at once, rather than each on its next reading. A set of IDs (about 16 B per
/// sensor), changed only on activation and deactivation.
/// </summary>
public sealed class ActiveSensors
{
    private readonly HashSet<long> _ids = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ids.Count;
            }
        }
    }

    public void Add(long sensorId)
    {
        lock (_lock)
        {
            _ids.Add(sensorId);
        }
    }

    public void Remove(long sensorId)
    {
        lock (_lock)
        {
            _ids.Remove(sensorId);
        }
    }

    /// <summary>The sensors active here whose home, as <paramref name="homeOf"/> tells it, is known and another silo.</summary>
    public List<long> Away(Func<long, SiloAddress?> homeOf, SiloAddress here)
    {
        long[] ids;
        lock (_lock)
        {
            ids = [.. _ids];
        }

        return [.. ids.Where(id => homeOf(id) is { } home && !home.Equals(here))];
    }
}
