using System.Collections.Concurrent;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>The built-in simulator's heaters, shared with the live console that shows them.</summary>
internal sealed class SimulatedHeaters
{
    private readonly ConcurrentDictionary<int, SimulatedHeater> _heaters = new();

    public IReadOnlyCollection<SimulatedHeater> All => [.. _heaters.Values.OrderBy(h => h.SensorId)];

    public bool TryGet(int sensorId, out SimulatedHeater heater) => _heaters.TryGetValue(sensorId, out heater!);

    public void Add(SimulatedHeater heater) => _heaters[heater.SensorId] = heater;
}
