using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The failsafe survives a silo restart: the stored state marks the heaters it watches, so a new silo on the same
/// database switches Off a heater whose sensor went silent while nobody was running, and leaves Off heaters alone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FailsafePostgreSqlTests(PostgresFixture postgres)
{
    // Longer than the first silo's stop takes, so that the Off can only come from the second silo.
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_new_silo_switches_off_the_heater_of_a_sensor_that_went_silent_across_the_restart()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        using var kafka = new TestBroker(partitions: 4);
        var args = Args(kafka, connectionString);
        DateTimeOffset lastReading;
        string onGrain, offGrain;

        await using (var first = await SiloProcess.StartAsync(args))
        {
            foreach (var id in new[] { 1, 2 })
            {
                await kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 });
            }

            var grains = first.Services.GetRequiredService<IGrainFactory>();
            await Eventually.True(() => grains.GetGrain<ISensorGrain>(2).GetSnapshotAsync().Result?.Setting is not null,
                TimeSpan.FromSeconds(60), "settings applied");
            lastReading = DateTimeOffset.UtcNow;
            await kafka.SendAsync(TestBroker.Readings, 1, new SensorData { SensorID = 1, Temperature = 18 });   // On
            await kafka.SendAsync(TestBroker.Readings, 2, new SensorData { SensorID = 2, Temperature = 25 });   // Off
            await Eventually.True(() => kafka.ReadAll(TestBroker.Commands).Count == 2, TimeSpan.FromSeconds(30), "both commands");
            onGrain = grains.GetGrain<ISensorGrain>(1).GetGrainId().ToString();
            offGrain = grains.GetGrain<ISensorGrain>(2).GetGrainId().ToString();
            await first.StopAsync();
        }

        var stoppedAt = DateTimeOffset.UtcNow;
        Assert.True(stoppedAt - lastReading < StaleAfter, $"the first silo took {stoppedAt - lastReading} to stop; the test needs less than {StaleAfter}");
        Assert.Equal([onGrain], await WatchedGrainsAsync(connectionString));     // the On heater only

        await using (var second = await SiloProcess.StartAsync(args))
        {
            var off = await Eventually.Get(() => kafka.ReadAll(TestBroker.Commands), c => c.Count == 3, TimeSpan.FromSeconds(60), "the failsafe Off");
            var command = HeaterControl.Parser.ParseFrom(off[2].Message.Value);
            Assert.Equal(new HeaterControl { SensorID = 1, Command = HeaterCommand.Off }, command);
            Assert.Equal(CommandHeaders.StaleSensor, TestBroker.Header(off[2], CommandHeaders.Reason));
            Assert.True(off[2].Message.Timestamp.UtcDateTime - lastReading >= StaleAfter);
            Assert.True(off[2].Message.Timestamp.UtcDateTime > stoppedAt, "the Off came from the second silo");

            var grains = second.Services.GetRequiredService<IGrainFactory>();
            // The snapshot interleaves with the grain's turn: the broker's ack of the Off can reach the test before the
            // grain, on a busy machine, has marked its state stale.
            await Eventually.True(() => grains.GetGrain<ISensorGrain>(1).GetSnapshotAsync().Result?.StaleSince is not null,
                TimeSpan.FromSeconds(30), "the grain's state marked stale");
            await Eventually.True(() => WatchedGrainsAsync(connectionString).Result.Count == 0, TimeSpan.FromSeconds(60), "the Off stored, unwatched");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(3, kafka.ReadAll(TestBroker.Commands).Count);                 // nothing for the Off heater
            await second.StopAsync();
        }
    }

    private static string[] Args(TestBroker kafka, string connectionString) =>
    [
        .. PostgreSqlRestartTests.SiloArgs(kafka, connectionString),
        $"--Failsafe:StaleAfter={StaleAfter}",
    ];

    private static Task<List<string>> WatchedGrainsAsync(string connectionString) =>
        SqlQuery.StringsAsync(connectionString, "SELECT grain_id FROM heater_grain_state WHERE watch ORDER BY grain_id");
}
