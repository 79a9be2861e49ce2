using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace HeaterOrleans.IntegrationTests;

/// <summary>Our PostgreSQL grain storage on a real server: group commit, ETags, the failsafe's watch mark.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlGrainStorageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private StateBatcher _batcher = null!;
    private PostgreSqlGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());
        await PostgreSqlSchema.ApplyAsync(_database, default);
        _batcher = new StateBatcher(_database, "test", owner: "silo-a", workers: 2, maxBatch: 500, delay: TimeSpan.FromMilliseconds(2), NullLogger.Instance);
        var serializer = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(SensorState).Assembly)).BuildServiceProvider()
            .GetRequiredService<Serializer>();
        // No orleansstorage rows in this database: the legacy reader answers "none" without its ADO.NET provider.
        var legacy = new LegacyStateReader(adoNet: null!, _database, "test");
        _storage = new PostgreSqlGrainStorage(_batcher, legacy, new OrleansGrainStorageSerializer(serializer), _database, "test");
    }

    public async Task DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Thousands_of_concurrent_writes_are_committed_in_far_fewer_statements_and_read_back()
    {
        var states = Enumerable.Range(1, 2_000).Select(id => (Id: Sensor(id), State: State(id, HeaterAction.Off))).ToList();
        var before = _batcher.RoundTrips;

        await Task.WhenAll(states.Select(s => _storage.WriteStateAsync("sensor", s.Id, s.State)));

        var roundTrips = _batcher.RoundTrips - before;
        Assert.All(states, s => Assert.Equal("1", s.State.ETag));
        Assert.InRange(roundTrips, 1, 1_000);                       // 2,000 writes, at most half as many commits
        var read = await Task.WhenAll(states.Select(async s =>
        {
            var back = new GrainState<SensorState>(new SensorState());
            await _storage.ReadStateAsync("sensor", s.Id, back);
            return back;
        }));
        Assert.All(read.Zip(states), p =>
        {
            Assert.True(p.First.RecordExists);
            Assert.Equal("1", p.First.ETag);
            Assert.Equal(p.Second.State.State!.Setting, p.First.State!.Setting);
        });
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_or_a_second_first_write_is_refused()
    {
        var id = Sensor(9_001);
        var first = State(9_001, HeaterAction.On);
        await _storage.WriteStateAsync("sensor", id, first);
        var racer = State(9_001, HeaterAction.Off);                // also believes it writes the first version

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("sensor", id, racer));

        await _storage.WriteStateAsync("sensor", id, first);        // version 1 -> 2
        var stale = State(9_001, HeaterAction.Off);
        stale.ETag = "1";
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("sensor", id, stale));
        Assert.Equal("2", first.ETag);
    }

    [Fact]
    public async Task The_row_of_an_On_heater_is_marked_watched_and_owned_and_a_read_elsewhere_takes_it_over()
    {
        var id = Sensor(9_002);
        var state = State(9_002, HeaterAction.On);
        await _storage.WriteStateAsync("sensor", id, state);
        Assert.Equal(["true silo-a"], await RowAsync(id));

        await using (var other = new StateBatcher(_database, "test", owner: "silo-b", workers: 1, maxBatch: 10, delay: TimeSpan.Zero, NullLogger.Instance))
        {
            Assert.NotNull(await other.RunAsync(StateOperation.Read(id.ToString(), "sensor")));
        }

        Assert.Equal(["true silo-b"], await RowAsync(id));
        state.State!.LastAction = HeaterAction.Off;
        await _storage.WriteStateAsync("sensor", id, state);
        Assert.Equal(["false silo-a"], await RowAsync(id));
    }

    private static GrainId Sensor(int id) => GrainId.Create("sensor", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static GrainState<SensorState> State(int id, HeaterAction action) =>
        new(new SensorState { Setting = new SensorSetting(20 + (id % 5), 0.5, 0.5), LastAction = action, Sequence = id });

    private Task<List<string>> RowAsync(GrainId id) =>
        SqlQuery.StringsAsync(_database, $"SELECT watch::text || ' ' || owner FROM heater_grain_state WHERE grain_id = '{id}'");

}
