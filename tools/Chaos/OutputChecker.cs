using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Testing;

namespace HeaterOrleans.Chaos;

/// <summary>
/// Checks the commands topic against the reference model, sensor by sensor, and the dead-letter topic against
/// the garbage sent.
/// </summary>
internal static class OutputChecker
{
    private const int DetailLimit = 20;

    public static CheckResult Check(
        WorkloadPlan plan,
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> commands,
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> deadLetters,
        IReadOnlyList<GarbageSent> garbage)
    {
        var sensors = plan.Sensors.ToDictionary(s => s.Id);
        var malformed = 0;
        var seen = new Dictionary<int, List<(int Partition, long Offset, bool On, string? Sequence)>>();
        foreach (var record in commands)
        {
            var command = HeaterControl.Parser.ParseFrom(record.Message.Value);
            var key = record.Message.Key is { } k ? Encoding.UTF8.GetString(k) : null;
            if (key != command.SensorID.ToString(CultureInfo.InvariantCulture) || !sensors.ContainsKey(command.SensorID))
            {
                malformed++;
                continue;
            }

            if (!seen.TryGetValue(command.SensorID, out var list))
            {
                seen[command.SensorID] = list = [];
            }

            list.Add((record.Partition.Value, record.Offset.Value, command.Command == HeaterCommand.On, Header(record.Message.Headers, CommandHeaders.Sequence)));
        }

        var (expected, lost, repeats, spurious) = (0, 0, 0, 0);
        var lostSensors = new List<LostSensor>();
        var spuriousSensors = new List<SpuriousSensor>();
        foreach (var sensor in plan.Sensors)
        {
            var records = (seen.GetValueOrDefault(sensor.Id) ?? []).OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToList();
            // An exact repeat (the same sequence number as the command before it) is a publish the broker acknowledged
            // whose state write was lost: the one repeat the service may send. Anything else extra is spurious.
            var got = records.Where((r, i) => i == 0 || r.Sequence is null || r.Sequence != records[i - 1].Sequence || r.On != records[i - 1].On)
                .Select(r => r.On).ToList();
            repeats += records.Count - got.Count;
            var best = Candidates(sensor)
                .Select(c => (c.SwitchAfter, c.Wanted, Matched: Matched(c.Wanted, got), Ok: Matches(c.Wanted, got)))
                .OrderByDescending(c => c.Ok)
                .ThenBy(c => c.Ok ? Math.Abs(got.Count - c.Wanted.Count) : 0)
                .ThenByDescending(c => c.Matched)
                .ThenBy(c => c.SwitchAfter is { } k ? Math.Abs(k - sensor.ChangedAfter) : 0)
                .First();
            expected += best.Wanted.Count;
            var extra = Math.Max(0, got.Count - best.Wanted.Count);
            spurious += extra;
            var note = sensor.Changed is null
                ? "no setting change"
                : string.Create(CultureInfo.InvariantCulture,
                    $"setting changed after reading {sensor.ChangedAfter} of {sensor.Readings.Count}; best switch point {best.SwitchAfter}");
            if (extra > 0 && spuriousSensors.Count < DetailLimit)
            {
                var sequence = string.Join(' ', records.Select(r => $"{(r.On ? 1 : 0)}#{r.Sequence ?? "?"}"));
                spuriousSensors.Add(new SpuriousSensor(sensor.Id, extra, Bits(best.Wanted), sequence, note));
            }

            if (!best.Ok)
            {
                var missing = Math.Max(1, best.Wanted.Count - best.Matched);
                lost += missing;
                if (lostSensors.Count < DetailLimit)
                {
                    lostSensors.Add(new LostSensor(sensor.Id, missing, Bits(best.Wanted), Bits(got), note));
                }
            }
        }

        var (deadLettered, deadLetterRepeats, missingGarbage, unexpected) = CheckDeadLetters(deadLetters, garbage);
        return new CheckResult
        {
            ExpectedCommands = expected,
            CommandsSeen = commands.Count,
            Lost = lost,
            LostSensors = lostSensors,
            Repeats = repeats,
            Spurious = spurious,
            SpuriousSensors = spuriousSensors,
            MalformedCommands = malformed,
            SensorsOnSeveralPartitions = seen.Values.Count(l => l.Select(r => r.Partition).Distinct().Count() > 1),
            DeadLettered = deadLettered,
            DeadLetterRepeats = deadLetterRepeats,
            GarbageMissing = missingGarbage,
            UnexpectedDeadLetters = unexpected,
        };
    }

    /// <summary>
    /// The model's commands for each point at which the service may have applied the new setting: settings and
    /// readings are on different topics, whose relative order Kafka does not define.
    /// </summary>
    private static IEnumerable<(int? SwitchAfter, List<bool> Wanted)> Candidates(SensorPlan sensor)
    {
        if (sensor.Changed is null)
        {
            yield return (null, Model(sensor, null));
            yield break;
        }

        for (var k = 0; k <= sensor.Readings.Count; k++)
        {
            yield return (k, Model(sensor, k));
        }
    }

    /// <summary>The reference model over the sensor's input, with the new setting applied after <paramref name="switchAfter"/> readings.</summary>
    private static List<bool> Model(SensorPlan sensor, int? switchAfter)
    {
        var model = new ReferenceModel();
        model.Setting(sensor.Initial.Desired, sensor.Initial.UpDelta, sensor.Initial.DownDelta);
        for (var i = 0; i < sensor.Readings.Count; i++)
        {
            if (i == switchAfter && sensor.Changed is { } changed)
            {
                model.Setting(changed.Desired, changed.UpDelta, changed.DownDelta);
            }

            model.Reading(sensor.Readings[i]);
        }

        return model.CommandsOn;
    }

    /// <summary>How many of the model's commands appear, in order, among those seen (repeats in between are allowed).</summary>
    private static int Matched(List<bool> wanted, List<bool> got)
    {
        var matched = 0;
        foreach (var on in got)
        {
            if (matched < wanted.Count && on == wanted[matched])
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>Every model command appears in order, and the heater is left as the model leaves it.</summary>
    private static bool Matches(List<bool> wanted, List<bool> got) =>
        Matched(wanted, got) == wanted.Count && (wanted.Count == 0 || got[^1] == wanted[^1]);

    private static (int DeadLettered, int Repeats, List<GarbageSent> Missing, List<UnexpectedDeadLetter> Unexpected) CheckDeadLetters(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> deadLetters, IReadOnlyList<GarbageSent> garbage)
    {
        var sources = new Dictionary<(string Topic, int Partition, long Offset), (int Count, string Reason)>();
        foreach (var record in deadLetters)
        {
            var headers = record.Message.Headers;
            var source = (Header(headers, "deadletter.source.topic") ?? "?",
                int.TryParse(Header(headers, "deadletter.source.partition"), CultureInfo.InvariantCulture, out var p) ? p : -1,
                long.TryParse(Header(headers, "deadletter.source.offset"), CultureInfo.InvariantCulture, out var o) ? o : -1);
            var previous = sources.GetValueOrDefault(source);
            sources[source] = (previous.Count + 1, Header(headers, "deadletter.reason") ?? "(no reason)");
        }

        var sent = garbage.Select(g => (g.Topic, g.Partition, g.Offset)).ToHashSet();
        var missing = garbage.Where(g => !sources.ContainsKey((g.Topic, g.Partition, g.Offset))).ToList();
        var unexpected = sources.Where(s => !sent.Contains(s.Key))
            .Select(s => new UnexpectedDeadLetter(s.Key.Topic, s.Key.Partition, s.Key.Offset, s.Value.Reason)).ToList();
        var repeats = sources.Values.Sum(s => s.Count - 1);
        return (garbage.Count - missing.Count, repeats, missing, unexpected);
    }

    private static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static string Bits(List<bool> commands) => string.Concat(commands.Select(on => on ? '1' : '0'));
}
