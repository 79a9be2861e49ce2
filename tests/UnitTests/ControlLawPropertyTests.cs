using CsCheck;
using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using HeaterOrleans.Testing;

namespace HeaterOrleans.UnitTests;

/// <summary>The control law, folded over random event sequences, against an independent model.</summary>
public class ControlLawPropertyTests
{
    // Quarter-degree grids, so readings land exactly on band bounds often.
    private static readonly Gen<double> Quarter = Gen.Int[40, 120].Select(i => i * 0.25);
    private static readonly Gen<double> Delta = Gen.Int[0, 8].Select(i => i * 0.25);

    private static readonly Gen<Event> Events = Gen.Frequency(
        (1, Gen.Select(Quarter, Delta, Delta, (d, up, down) => (Event)new SettingEvent(new SensorSetting(d, up, down)))),
        (6, Quarter.Select(t => (Event)new ReadingEvent(t))));

    [Fact]
    public void Matches_the_reference_model_on_random_sequences() =>
        Events.List[0, 200].Sample(events => Assert.Equal(Oracle(events), FoldControlLaw(events)), iter: 2_000);

    [Fact]
    public void Never_sends_the_same_action_twice_in_a_row() =>
        Events.List[0, 200].Sample(events =>
        {
            var commands = FoldControlLaw(events);
            Assert.All(commands.Zip(commands.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        }, iter: 2_000);

    private static List<HeaterAction> Oracle(IEnumerable<Event> events) =>
        [.. ReferenceModel.Run(events.Select(e => e switch
        {
            SettingEvent s => (true, s.Setting.Desired, s.Setting.UpDelta, s.Setting.DownDelta),
            ReadingEvent r => (false, r.Temperature, 0.0, 0.0),
            _ => throw new ArgumentOutOfRangeException(nameof(events)),
        })).Select(on => on ? HeaterAction.On : HeaterAction.Off)];

    /// <summary>What the grain does: keep the setting and the last action sent, ask the law per reading.</summary>
    private static List<HeaterAction> FoldControlLaw(IEnumerable<Event> events)
    {
        SensorSetting? setting = null;
        HeaterAction? last = null;
        var sent = new List<HeaterAction>();
        foreach (var e in events)
        {
            switch (e)
            {
                case SettingEvent s:
                    setting = s.Setting;
                    break;
                case ReadingEvent r when ControlLaw.Decide(setting, last, r.Temperature) is { } action:
                    sent.Add(action);
                    last = action;
                    break;
            }
        }

        return sent;
    }

    public abstract record Event;

    public sealed record SettingEvent(SensorSetting Setting) : Event;

    public sealed record ReadingEvent(double Temperature) : Event;
}
