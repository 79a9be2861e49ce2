using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The failsafe measures silence in monotonic time: a wall clock stepped forward does not switch a heater Off early,
/// and one stepped back does not hold the Off back.
/// </summary>
public sealed class FailsafeClockTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    private readonly SteppedClock _clock = new();
    private SensorCluster _sensors = null!;

    public async Task InitializeAsync() => _sensors = await SensorCluster.StartAsync(o => o.StaleAfter = StaleAfter, clock: _clock);

    public async Task DisposeAsync() => await _sensors.DisposeAsync();

    [Theory]
    [InlineData(401, 1)]
    [InlineData(402, -1)]
    public async Task A_stepped_wall_clock_neither_hastens_nor_holds_back_the_failsafe_Off(int id, int hours)
    {
        var sensor = _sensors.Sensor(id);
        await sensor.ApplySettingAsync(new SensorSetting(Desired: 20, UpDelta: 0.5, DownDelta: 0.5));
        var lastReading = DateTime.UtcNow;
        await sensor.ApplyReadingAsync(new SensorReading(18, DateTimeOffset.UtcNow));                              // On
        _clock.Step(TimeSpan.FromHours(hours));
        try
        {
            var commands = await Eventually.Get(() => _sensors.CommandRecordsFor(id), c => c.Count == 2, TimeSpan.FromSeconds(60), "the failsafe Off");
            Assert.Equal(HeaterCommand.Off, HeaterControl.Parser.ParseFrom(commands[1].Message.Value).Command);
            Assert.Equal(CommandHeaders.StaleSensor, TestBroker.Header(commands[1], CommandHeaders.Reason));
            // The broker's timestamp is the real clock's.
            Assert.True(commands[1].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter,
                $"Off {commands[1].Message.Timestamp.UtcDateTime:O} came less than {StaleAfter} after the last reading {lastReading:O}");
        }
        finally
        {
            _clock.Step(TimeSpan.FromHours(-hours));
        }
    }
}
