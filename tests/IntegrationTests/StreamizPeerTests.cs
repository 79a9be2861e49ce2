extern alias bench;

using System.Text;
using bench::HeaterOrleans.Bench.Peer;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The Streamiz benchmark peer on the embedded broker: exactly our control law's commands, keyed by sensor ID,
/// including for a null-keyed setting and reading (re-keyed through its repartition topics), nothing for a
/// reading inside the band or for a sensor with no setting, nothing repeated, and garbage skipped but counted.
/// </summary>
public sealed class StreamizPeerTests : IDisposable
{
    private const string ApplicationId = "streamiz-peer-test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestBroker _kafka = new(
        4, [TestBroker.Readings, TestBroker.Settings, TestBroker.Commands, .. StreamizPeer.InternalTopics(ApplicationId)]);

    [Fact]
    public async Task Emits_exactly_the_control_laws_commands()
    {
        using var peer = StreamizPeer.Start(
            _kafka.BootstrapServers, ApplicationId, TestBroker.Readings, TestBroker.Settings, TestBroker.Commands);
        long sent = 0;

        // Settings and readings are on different topics, whose relative order Kafka does not define: each phase
        // waits until the peer has handled the previous one.
        await Setting(1, desired: 20, up: 1, down: 1);
        await Setting(2, desired: 30, up: 0.5, down: 0.5);
        await Setting(3, desired: 10, up: 1, down: 1, keyed: false);
        await _kafka.ProduceAsync(TestBroker.Settings, TestBroker.Key(9), [0xFF, 0xFF, 0xFF]); // garbage: skipped
        await Handled(sent += 4);

        foreach (var (sensor, temperature) in new[]
        {
            (1, 18.0), // below 19: On
            (1, 18.5), // On again: nothing
            (1, 20.0), // in the band: nothing
            (1, 21.0), // on the upper bound, which is in the band: nothing
            (1, 22.0), // above 21: Off
            (1, 23.0), // Off again: nothing
            (2, 31.0), // above 30.5: Off
            (2, 29.0), // below 29.5: On
            (4, 99.0), // no setting: nothing
        })
        {
            await Reading(sensor, temperature);
        }

        await Reading(3, 8.0, keyed: false); // below 9, through the repartition topic: On
        await _kafka.ProduceAsync(TestBroker.Readings, TestBroker.Key(1), null); // tombstone: skipped
        await Handled(sent += 11);

        // A new setting keeps the last action (Off): 23 is now below 24, so On; then 26.5 is above 26, so Off.
        await Setting(1, desired: 25, up: 1, down: 1);
        await Handled(sent += 1);
        await Reading(1, 23.0);
        await Reading(1, 24.5); // in the band: nothing
        await Reading(1, 26.5);
        await Handled(sent += 3);

        Assert.Equal(7, peer.CommandsSent);
        Assert.Equal(2, peer.Rejected);
        peer.Dispose(); // flushes the producer: every command is in the topic after this

        var commands = _kafka.ReadAll(TestBroker.Commands)
            .Select(r => (Key: Encoding.UTF8.GetString(r.Message.Key!), Command: HeaterControl.Parser.ParseFrom(r.Message.Value)))
            .ToList();
        Assert.All(commands, c => Assert.Equal(TestBroker.Key(c.Command.SensorID), Encoding.UTF8.GetBytes(c.Key)));
        var bySensor = commands.GroupBy(c => c.Command.SensorID)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Command.Command).ToList());
        Assert.Equal(
            new Dictionary<int, List<HeaterCommand>>
            {
                [1] = [HeaterCommand.On, HeaterCommand.Off, HeaterCommand.On, HeaterCommand.Off],
                [2] = [HeaterCommand.Off, HeaterCommand.On],
                [3] = [HeaterCommand.On],
            },
            bySensor);

        async Task Handled(long count) =>
            await Eventually.Get(() => peer.Processed, n => n >= count, Deadline, $"the peer to handle {count} records");
    }

    [Theory]
    [InlineData("42", 42, true)]
    [InlineData("0", 0, true)]
    [InlineData("-7", -7, true)]
    [InlineData("2147483647", int.MaxValue, true)]
    [InlineData("-2147483648", int.MinValue, true)]
    [InlineData(null, 42, false)]
    [InlineData("042", 42, false)]
    [InlineData("4", 42, false)]
    [InlineData("42 ", 42, false)]
    public void A_key_is_the_sensor_ID_only_as_exact_decimal_text(string? key, int sensorId, bool expected) =>
        Assert.Equal(expected, StreamizPeer.IsKeyOf(key, sensorId));

    public void Dispose() => _kafka.Dispose();

    private Task Setting(int sensor, double desired, double up, double down, bool keyed = true)
    {
        var setting = new TemperatureControl { SensorID = sensor, Desired = desired, UpDelta = up, DownDelta = down };
        return keyed
            ? _kafka.SendAsync(TestBroker.Settings, sensor, setting)
            : _kafka.ProduceAsync(TestBroker.Settings, null, MessageCodecBytes(setting));
    }

    private Task Reading(int sensor, double temperature, bool keyed = true)
    {
        var reading = new SensorData { SensorID = sensor, Temperature = temperature };
        return keyed
            ? _kafka.SendAsync(TestBroker.Readings, sensor, reading)
            : _kafka.ProduceAsync(TestBroker.Readings, null, MessageCodecBytes(reading));
    }

    private static byte[] MessageCodecBytes(Google.Protobuf.IMessage message) =>
        HeaterOrleans.Contracts.Codec.MessageCodec.Encode(message);
}
