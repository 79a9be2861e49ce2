using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;
using Orleans.Runtime;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The stale-sensor failsafe on a real silo: a heater left On by a silent sensor is switched Off after
/// <c>Failsafe:StaleAfter</c>, never before, also when its grain was deactivated; Off heaters cost nothing.
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
        var lastReading = DateTimeOffset.UtcNow;
        await sensor.ApplyReadingAsync(Reading(18));                              // On

        await Task.Delay(StaleAfter * 0.8);
        Assert.Equal([HeaterCommand.On], _sensors.CommandsFor(201));

        var off = await Eventually.Get(() => _sensors.CommandRecordsFor(201), c => c.Count == 2, TimeSpan.FromSeconds(15), "the failsafe Off");
        Assert.Equal(HeaterCommand.Off, HeaterControl.Parser.ParseFrom(off[1].Message.Value).Command);
        Assert.Equal(CommandHeaders.StaleSensor, TestBroker.Header(off[1], CommandHeaders.Reason));
        Assert.Equal("2", TestBroker.Header(off[1], CommandHeaders.Sequence));
        Assert.True(off[1].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter,
            $"Off {off[1].Message.Timestamp.UtcDateTime:O} came less than {StaleAfter} after the last reading {lastReading:O}");
        var stale = await sensor.GetSnapshotAsync();
        Assert.Equal(HeaterAction.Off, stale!.LastAction);
        Assert.NotNull(stale.StaleSince);
        Assert.True(triggered.Total >= 1);
        await Eventually.True(() => RemindersOf(201).Result.Count == 0, TimeSpan.FromSeconds(30), "the reminder's removal at its next tick");

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
        await sensor.ApplyReadingAsync(Reading(18));                              // On
        var until = DateTime.UtcNow + (StaleAfter * 2);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(StaleAfter / 6);
            await sensor.ApplyReadingAsync(Reading(20));                          // inside the band: no command
        }

        Assert.Equal([HeaterCommand.On], _sensors.CommandsFor(202));

        await Eventually.True(() => _sensors.CommandsFor(202).Count == 2, TimeSpan.FromSeconds(15), "the failsafe Off once readings stop");
        await sensor.ApplyReadingAsync(Reading(20));                              // inside the band: stays Off, not stale
        var snapshot = await sensor.GetSnapshotAsync();
        Assert.Null(snapshot!.StaleSince);
        Assert.Equal(HeaterAction.Off, snapshot.LastAction);
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], _sensors.CommandsFor(202));
    }

    [Fact]
    public async Task An_Off_heater_keeps_no_reminder_and_gets_no_failsafe_command()
    {
        var off = _sensors.Sensor(203);
        await off.ApplySettingAsync(Band20);
        await off.ApplyReadingAsync(Reading(25));                                 // Off from the start
        var wasOn = _sensors.Sensor(204);
        await wasOn.ApplySettingAsync(Band20);
        await wasOn.ApplyReadingAsync(Reading(18));                               // On: a reminder exists
        Assert.Single(await RemindersOf(204));
        await wasOn.ApplyReadingAsync(Reading(25));                               // Off: the reminder goes at its next tick

        Assert.Empty(await RemindersOf(203));
        await Eventually.True(() => RemindersOf(204).Result.Count == 0, TimeSpan.FromSeconds(30), "the reminder's removal at its next tick");
        await Task.Delay(StaleAfter * 2.5);
        Assert.Equal([HeaterCommand.Off], _sensors.CommandsFor(203));
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], _sensors.CommandsFor(204));
        Assert.Null((await off.GetSnapshotAsync())!.StaleSince);
    }

    [Fact]
    public async Task A_deactivated_grain_is_woken_by_its_reminder_and_still_switches_off()
    {
        var sensor = _sensors.Sensor(205);
        await sensor.ApplySettingAsync(Band20);
        var lastReading = DateTimeOffset.UtcNow;
        await sensor.ApplyReadingAsync(Reading(18));                              // On
        await _sensors.Cluster.DeactivateAsync(sensor);
        await _sensors.Cluster.WaitForDeactivationAsync(sensor);
        Assert.Single(await RemindersOf(205));                                     // what remains is the persisted reminder

        var commands = await Eventually.Get(() => _sensors.CommandRecordsFor(205), c => c.Count == 2, TimeSpan.FromSeconds(30), "the failsafe Off");

        Assert.Equal(HeaterCommand.Off, HeaterControl.Parser.ParseFrom(commands[1].Message.Value).Command);
        Assert.True(commands[1].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter);
        Assert.NotNull((await sensor.GetSnapshotAsync())!.StaleSince);
    }

    private static SensorReading Reading(double t) => new(t, DateTimeOffset.UtcNow);

    private async Task<IList<ReminderEntry>> RemindersOf(int sensorId)
    {
        var table = _sensors.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        return (await table.ReadRows(_sensors.Sensor(sensorId).GetGrainId())).Reminders;
    }
}
