using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;
using Orleans.Runtime;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The stale-sensor failsafe on a real silo: a heater left On by a silent sensor is switched Off after
/// <c>Failsafe:StaleAfter</c>, never before, also when its grain was deactivated; Off heaters are not watched.
/// </summary>
public sealed class FailsafeTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    private static readonly SensorSetting Band20 = new(Desired: 20, UpDelta: 0.5, DownDelta: 0.5);
    private SensorCluster _sensors = null!;

    public async Task InitializeAsync() => _sensors = await SensorCluster.StartAsync(o => o.StaleAfter = StaleAfter);

    public async Task DisposeAsync() => await _sensors.DisposeAsync();

    [Fact]
    public async Task A_silent_sensor_s_heater_is_switched_off_after_the_timeout_not_before_and_its_next_reading_resumes_control()
    {
        using var triggered = new CounterProbe(GrainMetrics.MeterName, "heater.failsafe.triggered");
        var sensor = _sensors.Sensor(201);
        await sensor.ApplySettingAsync(Band20);
        var lastReading = Millis(DateTimeOffset.UtcNow);
        await sensor.ApplyReadingAsync(Reading(18));                              // On

        // "Not before" is judged by when the Off was sent (below), not by sleeping and looking: a loaded machine
        // may oversleep into the moment the Off is due.
        var off = await Eventually.Get(() => _sensors.CommandRecordsFor(201), c => c.Count == 2, TimeSpan.FromSeconds(60), "the failsafe Off");
        Assert.Equal(HeaterCommand.On, HeaterControl.Parser.ParseFrom(off[0].Message.Value).Command);
        Assert.Equal(HeaterCommand.Off, HeaterControl.Parser.ParseFrom(off[1].Message.Value).Command);
        Assert.Equal(CommandHeaders.StaleSensor, TestBroker.Header(off[1], CommandHeaders.Reason));
        Assert.Equal("2", TestBroker.Header(off[1], CommandHeaders.Sequence));
        Assert.True(off[1].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter,
            $"Off {off[1].Message.Timestamp.UtcDateTime:O} came less than {StaleAfter} after the last reading {lastReading:O}");
        var stale = await sensor.GetSnapshotAsync();
        Assert.Equal(HeaterAction.Off, stale!.LastAction);
        Assert.NotNull(stale.StaleSince);
        Assert.True(triggered.Total >= 1);
        await Eventually.True(() => !Watched(201), TimeSpan.FromSeconds(30), "the watch to end once the Off is stored");

        await sensor.ApplyReadingAsync(Reading(18));                              // back: On again

        Assert.Equal([HeaterCommand.On, HeaterCommand.Off, HeaterCommand.On], _sensors.CommandsFor(201));
        var resumed = await sensor.GetSnapshotAsync();
        Assert.Null(resumed!.StaleSince);
        Assert.Equal(HeaterAction.On, resumed.LastAction);
    }

    [Fact]
    public async Task Readings_keep_an_On_heater_on_and_a_reading_inside_the_band_clears_the_stale_mark()
    {
        var sensor = _sensors.Sensor(202);
        await sensor.ApplySettingAsync(Band20);
        var readings = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        async Task ReadAsync(double t)
        {
            var start = Millis(DateTimeOffset.UtcNow);
            await sensor.ApplyReadingAsync(Reading(t));
            readings.Add((start, DateTimeOffset.UtcNow));
        }

        await ReadAsync(18);                                                      // On
        var until = DateTime.UtcNow + (StaleAfter * 2);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(StaleAfter / 6);
            await ReadAsync(20);                                                  // inside the band: no command
        }

        // No Off while readings come, judged by when it was sent rather than by this loop's pace: an Off must come
        // at least StaleAfter after the last reading that was done before it was sent (the grain is not reentrant).
        // Normally none comes; one that follows a stall of this machine longer than StaleAfter is right.
        var during = _sensors.CommandRecordsFor(202);
        Assert.Equal(HeaterCommand.On, HeaterControl.Parser.ParseFrom(during[0].Message.Value).Command);
        foreach (var early in during.Skip(1))
        {
            var sent = early.Message.Timestamp.UtcDateTime;
            var lastRead = readings.Where(r => r.End < sent).Max(r => r.Start);
            Assert.True(sent - lastRead >= StaleAfter, $"an Off at {sent:O} while the sensor read, last at {lastRead:O}");
        }

        await Eventually.True(() => _sensors.CommandsFor(202).Count == 2, TimeSpan.FromSeconds(60), "the failsafe Off once readings stop");
        await sensor.ApplyReadingAsync(Reading(20));                              // inside the band: stays Off, not stale
        var snapshot = await sensor.GetSnapshotAsync();
        Assert.Null(snapshot!.StaleSince);
        Assert.Equal(HeaterAction.Off, snapshot.LastAction);
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], _sensors.CommandsFor(202));
    }

    [Fact]
    public async Task An_Off_heater_is_not_watched_and_gets_no_failsafe_command()
    {
        var off = _sensors.Sensor(203);
        await off.ApplySettingAsync(Band20);
        await off.ApplyReadingAsync(Reading(25));                                 // Off from the start
        var wasOn = _sensors.Sensor(204);
        await wasOn.ApplySettingAsync(Band20);
        await wasOn.ApplyReadingAsync(Reading(18));                               // On: watched
        Assert.True(Watched(204));
        await wasOn.ApplyReadingAsync(Reading(25));                               // Off: no longer

        Assert.False(Watched(203));
        Assert.False(Watched(204));
        await Task.Delay(StaleAfter * 2.5);
        Assert.Equal([HeaterCommand.Off], _sensors.CommandsFor(203));
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], _sensors.CommandsFor(204));
        Assert.Null((await off.GetSnapshotAsync())!.StaleSince);
    }

    [Fact]
    public async Task A_deactivated_grain_is_woken_by_the_sweeper_and_still_switches_off()
    {
        var sensor = _sensors.Sensor(205);
        await sensor.ApplySettingAsync(Band20);
        var lastReading = Millis(DateTimeOffset.UtcNow);
        await sensor.ApplyReadingAsync(Reading(18));                              // On
        await _sensors.Cluster.DeactivateAsync(sensor);
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);
        Assert.True(Watched(205));                                                 // the watch outlives the activation

        var commands = await Eventually.Get(() => _sensors.CommandRecordsFor(205), c => c.Count == 2, TimeSpan.FromSeconds(30), "the failsafe Off");

        Assert.Equal(HeaterCommand.Off, HeaterControl.Parser.ParseFrom(commands[1].Message.Value).Command);
        Assert.True(commands[1].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter);
        Assert.NotNull((await sensor.GetSnapshotAsync())!.StaleSince);
    }

    private static SensorReading Reading(double t) => new(t, DateTimeOffset.UtcNow);

    /// <summary>Down to the millisecond, as Kafka timestamps are: compared with one, a bound stays a bound.</summary>
    private static DateTimeOffset Millis(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private bool Watched(int sensorId) => _sensors.Sweeper.IsWatching(sensorId);
}
