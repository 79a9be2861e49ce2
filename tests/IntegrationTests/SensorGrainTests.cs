using System.Globalization;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using Orleans.Concurrency;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The sensor grain on a real in-process Orleans cluster, publishing through our Kafka stream provider to
/// the embedded broker. A grain call returns after the broker acknowledged its command, so the commands
/// topic can be read right after the call: no waiting.
/// </summary>
public sealed class SensorGrainTests : IAsyncLifetime
{
    private static readonly SensorSetting Band20 = new(Desired: 20, UpDelta: 0.5, DownDelta: 0.5);
    private SensorCluster _sensors = null!;

    public async Task InitializeAsync() => _sensors = await SensorCluster.StartAsync();

    public async Task DisposeAsync() => await _sensors.DisposeAsync();

    [Fact]
    public async Task No_setting_means_no_command()
    {
        var sensor = Sensor(101);
        await sensor.ApplyReadingAsync(Reading(5));
        await sensor.ApplyReadingAsync(Reading(40));

        Assert.Empty(CommandsFor(101));
        Assert.Equal(40, (await sensor.GetSnapshotAsync())!.LastReading);
    }

    [Fact]
    public async Task Setting_then_readings_give_exactly_the_expected_commands()
    {
        var sensor = Sensor(102);
        await sensor.ApplySettingAsync(Band20);
        foreach (var t in new[] { 19.0, 19.2, 21.0, 20.0, 20.5, 19.5, 18.0, 25.0 })
        {
            await sensor.ApplyReadingAsync(Reading(t));
        }

        Assert.Equal([HeaterCommand.On, HeaterCommand.Off, HeaterCommand.On, HeaterCommand.Off], CommandsFor(102));
    }

    [Fact]
    public async Task Readings_on_the_same_side_do_not_repeat_the_command()
    {
        var sensor = Sensor(103);
        await sensor.ApplySettingAsync(Band20);
        foreach (var t in new[] { 25.0, 26.0, 20.0, 27.0, 21.0 })
        {
            await sensor.ApplyReadingAsync(Reading(t));
        }

        Assert.Equal([HeaterCommand.Off], CommandsFor(103));
    }

    [Fact]
    public async Task A_new_setting_keeps_the_last_action()
    {
        var sensor = Sensor(104);
        await sensor.ApplySettingAsync(Band20);
        await sensor.ApplyReadingAsync(Reading(25));      // Off
        await sensor.ApplySettingAsync(new SensorSetting(22, 0.5, 0.5));
        await sensor.ApplyReadingAsync(Reading(25));      // still above: Off already sent
        await sensor.ApplySettingAsync(new SensorSetting(30, 0.5, 0.5));
        await sensor.ApplyReadingAsync(Reading(25));      // now below: On

        Assert.Equal([HeaterCommand.Off, HeaterCommand.On], CommandsFor(104));
        var snapshot = await sensor.GetSnapshotAsync();
        Assert.Equal(new SensorSetting(30, 0.5, 0.5), snapshot!.Setting);
        Assert.Equal(HeaterAction.On, snapshot.LastAction);
    }

    [Fact]
    public async Task The_last_action_survives_deactivation()
    {
        var sensor = Sensor(105);
        await sensor.ApplySettingAsync(Band20);
        await sensor.ApplyReadingAsync(Reading(25));
        await _sensors.Cluster.DeactivateAsync(sensor);
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);

        await sensor.ApplyReadingAsync(Reading(26));      // a new activation reads Off from storage
        await sensor.ApplyReadingAsync(Reading(10));

        Assert.Equal([HeaterCommand.Off, HeaterCommand.On], CommandsFor(105));
    }

    [Fact]
    public async Task A_publish_the_broker_did_not_ack_fails_the_call_and_changes_nothing()
    {
        var sensor = Sensor(106);
        await sensor.ApplySettingAsync(Band20);

        _sensors.Kafka.Broker.SetDown();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => sensor.ApplyReadingAsync(Reading(25)));
        }
        finally
        {
            _sensors.Kafka.Broker.SetUp();
        }

        Assert.Null((await sensor.GetSnapshotAsync())!.LastAction);
        // The caller's retry sends it (once the broker, back up, takes records again).
        await Eventually.Succeeds(() => sensor.ApplyReadingAsync(Reading(25)), TimeSpan.FromSeconds(60), "the reading to go through once the broker is back");

        Assert.Equal([HeaterCommand.Off], CommandsFor(106));
        Assert.Equal(HeaterAction.Off, (await sensor.GetSnapshotAsync())!.LastAction);
    }

    [Fact]
    public async Task Commands_carry_a_growing_sequence_and_the_time_of_their_reading()
    {
        var sensor = Sensor(107);
        var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        await sensor.ApplySettingAsync(Band20);
        await sensor.ApplyReadingAsync(new SensorReading(25, start));
        await sensor.ApplyReadingAsync(new SensorReading(20, start.AddSeconds(1)));   // no command
        await sensor.ApplyReadingAsync(new SensorReading(10, start.AddSeconds(2)));
        await _sensors.Cluster.DeactivateAsync(sensor);                                       // the sequence is stored
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);
        await sensor.ApplyReadingAsync(new SensorReading(30, start.AddSeconds(3)));

        var headers = _sensors.CommandRecordsFor(107)
            .Select(r => (Sequence: TestBroker.Header(r, CommandHeaders.Sequence), ReadingTime: TestBroker.Header(r, CommandHeaders.ReadingTime)))
            .ToList();
        Assert.Equal(["1", "2", "3"], headers.Select(h => h.Sequence));
        Assert.Equal(
            new[] { start, start.AddSeconds(2), start.AddSeconds(3) }.Select(t => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            headers.Select(h => h.ReadingTime));
    }

    [Fact]
    public async Task A_batch_applies_in_order_and_a_retried_batch_skips_what_it_already_applied()
    {
        var sensor = Sensor(108);
        static SensorUpdate At(long offset, double t) => SensorUpdate.Of(Reading(t), source: 3, offset);
        var batch = new Immutable<SensorUpdate[]>([SensorUpdate.Of(Band20, source: 3, offset: 0), At(1, 18), At(2, 25), At(3, 18)]);

        await sensor.ApplyAsync(batch);
        await sensor.ApplyAsync(batch);                                      // a retry of the same records: nothing again
        await sensor.ApplyAsync(new([At(3, 18), At(4, 25)]));               // overlapping: only offset 4 is new
        await sensor.ApplyAsync(new([SensorUpdate.Of(Reading(25))]));        // not positioned: always applied (no change here)

        Assert.Equal([HeaterCommand.On, HeaterCommand.Off, HeaterCommand.On, HeaterCommand.Off], CommandsFor(108));
        Assert.Equal(["1", "2", "3", "4"], _sensors.CommandRecordsFor(108).Select(r => TestBroker.Header(r, CommandHeaders.Sequence)));
    }

    [Fact]
    public async Task A_replay_after_reactivation_changes_nothing_and_sends_nothing()
    {
        var sensor = Sensor(109);
        static SensorUpdate At(long offset, double t) => SensorUpdate.Of(Reading(t), source: 2, offset, timestamp: 1_000 + offset);
        await sensor.ApplyAsync(new([SensorUpdate.Of(Band20, source: 5, offset: 0, timestamp: 1_000)]));
        await sensor.ApplyAsync(new([At(10, 25), At(11, 18), At(12, 20)]));      // Off, On, nothing
        await _sensors.Cluster.DeactivateAsync(sensor);                            // a crash: the consumer resumes earlier
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);

        // The replay: without the stored fence the old Off would go out again, then the On.
        await sensor.ApplyAsync(new([SensorUpdate.Of(Band20, source: 5, offset: 0, timestamp: 1_000)]));
        await sensor.ApplyAsync(new([At(10, 25), At(11, 18)]));
        await sensor.ApplyAsync(new([At(12, 20), At(13, 25)]));                    // only offset 13 is new: Off

        Assert.Equal([HeaterCommand.Off, HeaterCommand.On, HeaterCommand.Off], CommandsFor(109));
    }

    [Fact]
    public async Task A_topic_created_again_starts_offsets_anew_and_is_not_mistaken_for_a_replay()
    {
        var sensor = Sensor(110);
        await sensor.ApplyAsync(new([SensorUpdate.Of(Band20, source: 1, offset: 0, timestamp: 1_000)]));
        await sensor.ApplyAsync(new([SensorUpdate.Of(Reading(25), source: 1, offset: 500, timestamp: 2_000)]));

        // Low offsets again, but newer records: applied.
        await sensor.ApplyAsync(new([SensorUpdate.Of(Reading(18), source: 1, offset: 3, timestamp: 9_000)]));

        Assert.Equal([HeaterCommand.Off, HeaterCommand.On], CommandsFor(110));
    }

    [Fact]
    public async Task An_unknown_sensor_s_readings_store_nothing_and_asking_about_it_leaves_no_activation()
    {
        var sensor = Sensor(111);
        await sensor.ApplyAsync(new([SensorUpdate.Of(Reading(25), source: 0, offset: 7, timestamp: 1_000)]));   // no setting
        await _sensors.Cluster.DeactivateAsync(sensor);                      // an idle deactivation stores what is dirty
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);

        // Nothing was stored: the sensor is still unknown, and the question's activation goes away by itself.
        Assert.Null(await sensor.GetSnapshotAsync());
        await WithTimeout(_sensors.Cluster.WaitForDeactivationAsync(sensor), "the unknown sensor's activation to go");
        Assert.Empty(CommandsFor(111));
    }

    private static async Task WithTimeout(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) != task)
        {
            Assert.Fail($"Timed out waiting for {what}");
        }
    }

    private ISensorGrain Sensor(int id) => _sensors.Sensor(id);

    private static SensorReading Reading(double t) => new(t, DateTimeOffset.UtcNow);

    private List<HeaterCommand> CommandsFor(int sensorId) => _sensors.CommandsFor(sensorId);
}
