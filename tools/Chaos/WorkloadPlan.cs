using HeaterOrleans.Contracts.Codec;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Chaos;

/// <summary>
/// Everything the run produces, drawn up front from the seed so that two runs with the same options send the
/// same records: each sensor's initial setting, then rounds of one reading per sensor, new settings for about
/// 10% of the sensors halfway through, and garbage after about <see cref="ChaosOptions.GarbagePercent"/> of
/// the records.
/// </summary>
internal sealed class WorkloadPlan
{
    private const double NullKeyShare = 0.10;
    private const double JsonShare = 0.25;
    private const double ChangedShare = 0.10;

    private readonly Random _random;
    private readonly double _garbage;
    private readonly int _partitions;

    private WorkloadPlan(ChaosOptions options)
    {
        _random = new Random(options.Seed);
        _garbage = options.GarbagePercent / 100;
        _partitions = options.Partitions;
    }

    public IReadOnlyList<SensorPlan> Sensors { get; private set; } = [];

    /// <summary>The initial settings, produced and applied before any reading.</summary>
    public IReadOnlyList<PlannedRecord> SettingsPhase { get; private set; } = [];

    public IReadOnlyList<IReadOnlyList<PlannedRecord>> Rounds { get; private set; } = [];

    /// <summary>The round that starts with the new settings.</summary>
    public int ChangeRound { get; private set; }

    public int ReadingCount => Sensors.Sum(s => s.Readings.Count);

    public int SettingCount => Sensors.Count + Sensors.Count(s => s.Changed is not null);

    public int GarbageCount => SettingsPhase.Concat(Rounds.SelectMany(r => r)).Count(r => r.IsGarbage);

    public static WorkloadPlan Create(ChaosOptions options)
    {
        var plan = new WorkloadPlan(options);
        plan.Draw(options.Sensors, options.Readings);
        return plan;
    }

    private void Draw(int sensorCount, int readings)
    {
        Sensors = [.. Enumerable.Range(1, sensorCount).Select(id =>
            new SensorPlan(id, _random.NextDouble() < NullKeyShare, new Band(DrawDesired(), 0.5, 0.5)))];

        var settings = new List<PlannedRecord>();
        foreach (var sensor in Sensors)
        {
            AddSetting(settings, sensor, sensor.Initial);
        }

        SettingsPhase = settings;
        var roundCount = (readings + sensorCount - 1) / sensorCount;
        ChangeRound = roundCount / 2;
        var rounds = new List<IReadOnlyList<PlannedRecord>>();
        for (var r = 0; r < roundCount; r++)
        {
            var round = new List<PlannedRecord>();
            if (r == ChangeRound)
            {
                foreach (var sensor in Sensors.Where(_ => _random.NextDouble() < ChangedShare))
                {
                    var desired = DrawDesired();
                    while (desired == sensor.Initial.Desired)
                    {
                        desired = DrawDesired();
                    }

                    sensor.Changed = new Band(desired, 0.5, 0.5);
                    sensor.ChangedAfter = sensor.Readings.Count;
                    AddSetting(round, sensor, sensor.Changed.Value);
                }
            }

            foreach (var sensor in Sensors.Take(Math.Min(sensorCount, readings - (r * sensorCount))))
            {
                // On a 0.25 grid within 2 °C of the set point, outside the ±0.5 band most of the time:
                // heaters switch often, and so there are many commands to lose.
                var t = sensor.Current.Desired + (_random.Next(-8, 9) * 0.25);
                sensor.Readings.Add(t);
                var message = new SensorData { SensorID = sensor.Id, Temperature = t };
                Add(round, sensor, Topics.Readings, message);
            }

            rounds.Add(round);
        }

        Rounds = rounds;
    }

    private double DrawDesired() => 18 + (_random.Next(0, 11) * 0.5);

    private void AddSetting(List<PlannedRecord> records, SensorPlan sensor, Band band) =>
        Add(records, sensor, Topics.Settings,
            new TemperatureControl { SensorID = sensor.Id, Desired = band.Desired, UpDelta = band.UpDelta, DownDelta = band.DownDelta });

    private void Add(List<PlannedRecord> records, SensorPlan sensor, string topic, IMessage message)
    {
        var value = _random.NextDouble() < JsonShare ? Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(message)) : message.ToByteArray();
        records.Add(sensor.NullKey
            ? new PlannedRecord(topic, null, sensor.Id % _partitions, value)
            : new PlannedRecord(topic, Key(sensor.Id), null, value));
        if (_random.NextDouble() < _garbage)
        {
            var victim = Sensors[_random.Next(Sensors.Count)].Id;
            var (kind, garbage) = topic == Topics.Readings ? GarbageFactory.Reading(_random, victim) : GarbageFactory.Setting(_random, victim);
            records.Add(new PlannedRecord(topic, _random.Next(2) == 0 ? null : Key(victim), _random.Next(_partitions), garbage, kind));
        }
    }

    private static byte[] Key(int sensorId) => SensorKey.Encode(sensorId);
}
