using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The service on a PostgreSQL server with few connections to give: a burst of new sensors queues on the silo's
/// bounded pool instead of the server refusing connections, and nothing is lost or dead-lettered.
/// </summary>
public sealed class PostgreSqlLoadTests(ITestOutputHelper output)
{
    private const int Sensors = 5_000;

    [Fact]
    public async Task A_burst_of_new_sensors_on_a_server_with_20_connections_is_processed_without_a_refusal()
    {
        // 17 usable connections (3 are kept for superusers); the silo's pool is Storage:MaxConnections = 10.
        await using var server = await PostgresServer.StartAsync(maxConnections: 20);
        var database = await server.CreateDatabaseAsync();
        using var kafka = new TestBroker(partitions: 8);
        var refused = 0;
        await using var silo = await SiloProcess.StartAsync(PostgreSqlRestartTests.SiloArgs(kafka, database),
            services => services.AddSingleton<IIncomingGrainCallFilter>(new RefusalWatch(() => Interlocked.Increment(ref refused))));
        var ids = Enumerable.Range(1, Sensors).ToList();

        using var watching = new CancellationTokenSource();
        var peak = WatchConnectionsAsync(server.ConnectionString("postgres"), new NpgsqlConnectionStringBuilder(database).Database!, watching.Token);
        await Task.WhenAll(ids.Select(id =>
            kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 })));
        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Settings), TimeSpan.FromMinutes(5), "every setting applied");
        await Task.WhenAll(ids.Select(id => kafka.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = 18 })));   // On
        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Readings), TimeSpan.FromMinutes(5), "every reading applied");
        await watching.CancelAsync();
        var connections = await peak;

        var commands = kafka.ReadAll(TestBroker.Commands).Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value)).ToList();
        output.WriteLine($"commands {commands.Count}, peak connections to the database {connections}, refusals seen by grains {refused}");
        Assert.Equal(ids, commands.Where(c => c.Command == HeaterCommand.On).Select(c => c.SensorID).Distinct().Order());
        Assert.Empty(kafka.ReadAll(TestBroker.DeadLetter));
        Assert.Equal(0, refused);
        Assert.InRange(connections, 1, 10);
        await silo.StopAsync();
    }

    /// <summary>The most connections to <paramref name="database"/> seen while sampling (this sampler's own excluded).</summary>
    private static async Task<long> WatchConnectionsAsync(string admin, string database, CancellationToken stop)
    {
        await using var source = NpgsqlDataSource.Create(admin);
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var command = source.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1");
            command.Parameters.Add(new() { Value = database });
            peak = Math.Max(peak, (long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            await Task.Delay(50, CancellationToken.None);
        }

        return peak;
    }

    /// <summary>Counts grain calls that failed because the server refused a connection (SQLSTATE 53300).</summary>
    private sealed class RefusalWatch(Action refused) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext call)
        {
            try
            {
                await call.Invoke();
            }
            catch (Exception e) when (IsRefusal(e))
            {
                refused();
                throw;
            }
        }

        private static bool IsRefusal(Exception e) =>
            e is PostgresException { SqlState: PostgresErrorCodes.TooManyConnections } || (e.InnerException is { } inner && IsRefusal(inner));
    }
}
