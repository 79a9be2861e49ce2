using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Sensor state lives in PostgreSQL: a new silo on the same database resumes where the old one stopped,
/// even on a fresh broker that has none of the history.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRestartTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_new_silo_resumes_from_the_stored_state(bool freshBroker)
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        using var first = new TestBroker(partitions: 4);
        var sensors = Enumerable.Range(1, 6).ToList();

        await using (var silo = await SiloProcess.StartAsync(SiloArgs(first, database)))
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            foreach (var id in sensors)
            {
                await first.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 });
            }

            await Eventually.True(() => sensors.All(id => Snapshot(grains, id)?.Setting is not null), TimeSpan.FromSeconds(60), "settings applied");
            foreach (var id in sensors)
            {
                await first.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = 25 }); // Off
            }

            await Eventually.True(() => first.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
                TimeSpan.FromSeconds(60), "the first silo to commit everything");
            await silo.StopAsync();
        }

        Assert.Equal(sensors.Count, Commands(first).Count);
        using var fresh = freshBroker ? new TestBroker(partitions: 4) : null;
        var broker = fresh ?? first;
        var before = broker.ReadAll(TestBroker.Commands).Select(r => r.TopicPartitionOffset).ToHashSet();

        await using (var silo = await SiloProcess.StartAsync(SiloArgs(broker, database)))
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var snapshot = Snapshot(grains, 1);
            Assert.Equal(new SensorSetting(20, 0.5, 0.5), snapshot?.Setting);
            Assert.Equal(HeaterAction.Off, snapshot?.LastAction);

            await broker.SendAsync(TestBroker.Readings, 1, new SensorData { SensorID = 1, Temperature = 26 }); // same band: nothing
            await broker.SendAsync(TestBroker.Readings, 2, new SensorData { SensorID = 2, Temperature = 10 }); // crosses: On
            await Eventually.True(() => broker.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
                TimeSpan.FromSeconds(60), "the second silo to commit everything");
            await silo.StopAsync();
        }

        var after = broker.ReadAll(TestBroker.Commands)
            .Where(r => !before.Contains(r.TopicPartitionOffset))
            .Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value))
            .ToList();
        Assert.Equal([new HeaterControl { SensorID = 2, Command = HeaterCommand.On }], after);
    }

    internal static string[] SiloArgs(TestBroker kafka, string connectionString) =>
    [
        .. SiloProcess.OnBroker(kafka),
        "--Simulator:Enabled=false",
        "--Storage:Provider=PostgreSQL",
        $"--ConnectionStrings:Orleans={connectionString}",
        "--Orleans:AdvertisedIPAddress=127.0.0.1",
    ];

    private static SensorSnapshot? Snapshot(IGrainFactory grains, int id) =>
        grains.GetGrain<ISensorGrain>(id).GetSnapshotAsync().GetAwaiter().GetResult();

    private static List<HeaterControl> Commands(TestBroker kafka) =>
        [.. kafka.ReadAll(TestBroker.Commands).Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value))];
}
