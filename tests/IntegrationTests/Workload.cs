using Google.Protobuf;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Testing;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// A deterministic set of sensors with settings and readings, the reference model fed the same per-sensor
/// order, and the comparison of what came out of the service against it.
/// </summary>
public sealed class Workload(TestBroker kafka, int sensors, int seed = 11, int firstSensorId = 1)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<int, ReferenceModel> _models =
        Enumerable.Range(firstSensorId, sensors).ToDictionary(id => id, _ => new ReferenceModel());

    public IEnumerable<int> Sensors => _models.Keys;

    /// <summary>
    /// Sends every sensor's setting and waits until the service has committed them: settings and readings
    /// travel on different topics, whose relative order Kafka does not define, and the model applies the
    /// setting first.
    /// </summary>
    public async Task SendSettingsAsync()
    {
        foreach (var id in Sensors)
        {
            var (desired, up, down) = (19.0 + (id % 4), 0.5, 0.5);
            _models[id].Setting(desired, up, down);
            await kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = desired, UpDelta = up, DownDelta = down });
        }

        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Settings),
            TimeSpan.FromSeconds(60), "the settings to be applied and committed");
    }

    /// <summary>One reading per sensor, keyed, so each sensor's readings stay on one partition in order.</summary>
    public Task SendRoundAsync() => Task.WhenAll(Sensors.Select(id =>
    {
        var t = 16.0 + (_random.Next(0, 36) * 0.25);
        _models[id].Reading(t);
        return kafka.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = t });
    }));

    /// <summary>
    /// Compares the commands on the commands topic with the model, per sensor. At-least-once allows repeats:
    /// after a crash the records since the last commit are applied again, re-sending their commands. So a
    /// command is lost when a transition of the model does not appear, in order, among those seen, or when
    /// the last command seen differs from the model's; everything seen beyond the model counts as a duplicate.
    /// </summary>
    public (int Expected, int Duplicates, List<string> Lost) Check()
    {
        var seenBySensor = kafka.ReadAll(TestBroker.Commands)
            .Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value))
            .GroupBy(c => c.SensorID)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Command == HeaterCommand.On).ToList());
        var (expected, duplicates, lost) = (0, 0, new List<string>());
        foreach (var (id, model) in _models)
        {
            var seen = seenBySensor.GetValueOrDefault(id) ?? [];
            var wanted = model.CommandsOn;
            expected += wanted.Count;
            duplicates += Math.Max(0, seen.Count - wanted.Count);
            var matched = 0;
            foreach (var on in seen)
            {
                if (matched < wanted.Count && on == wanted[matched])
                {
                    matched++;
                }
            }

            if (matched < wanted.Count || (wanted.Count > 0 && seen[^1] != wanted[^1]))
            {
                lost.Add($"sensor {id}: expected [{string.Join(",", wanted)}], got [{string.Join(",", seen)}]");
            }
        }

        return (expected, duplicates, lost);
    }
}
