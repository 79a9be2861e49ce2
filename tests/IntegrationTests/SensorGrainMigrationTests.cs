using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using Orleans.Concurrency;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// A sensor grain moved to another silo (as placement by partition does after a rebalance) keeps what it must:
/// its state and fence, the failsafe's deadline, and only the new silo's sweeper watches it.
/// </summary>
public sealed class SensorGrainMigrationTests : IAsyncLifetime
{
    private const int Id = 301;
    private SensorCluster _sensors = null!;

    public async Task InitializeAsync() => _sensors = await SensorCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _sensors.DisposeAsync();

    [Fact]
    public async Task A_moved_grain_keeps_its_state_fence_and_failsafe_deadline()
    {
        var sensor = _sensors.Sensor(Id);
        await sensor.ApplyAsync(new([SensorUpdate.Of(new SensorSetting(20, 0.5, 0.5), source: 0, offset: 0, timestamp: 1)]));
        await sensor.ApplyAsync(new([Reading(18, offset: 0)]));
        var from = Enumerable.Range(0, 2).Single(i => _sensors.SweeperOf(i).IsWatching(Id));
        var to = 1 - from;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var silentBefore = _sensors.SweeperOf(from).SilentFor(Id);

        await _sensors.Cluster.MigrateAsync(sensor, _sensors.Cluster.Silos[to].SiloAddress);

        var snapshot = (await sensor.GetSnapshotAsync())!;
        Assert.Equal(HeaterAction.On, snapshot.LastAction);
        Assert.Equal(18, snapshot.LastReading);
        // Watched from the new silo only, with the silence counted from the last reading, not from the move.
        Assert.False(_sensors.SweeperOf(from).IsWatching(Id));
        Assert.NotNull(silentBefore);
        Assert.True(_sensors.SweeperOf(to).SilentFor(Id) >= silentBefore, $"silent for {_sensors.SweeperOf(to).SilentFor(Id)} after the move, {silentBefore} before");

        // The fence came along: a replay of the reading changes nothing, the next one applies.
        await sensor.ApplyAsync(new([Reading(25, offset: 0)]));
        Assert.Equal([HeaterCommand.On], _sensors.CommandsFor(Id));
        await sensor.ApplyAsync(new([Reading(25, offset: 1)]));
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], _sensors.CommandsFor(Id));
    }

    private static SensorUpdate Reading(double temperature, long offset) =>
        SensorUpdate.Of(new SensorReading(temperature, DateTimeOffset.UtcNow), source: 0, offset: offset, timestamp: 2);
}
