using HeaterOrleans.Silo.Storage;
using Npgsql;

namespace HeaterOrleans.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlSchemaTests(PostgresFixture postgres)
{
    private static readonly string[] QueryKeys =
    [
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task Creates_everything_the_providers_read_and_a_second_run_changes_nothing()
    {
        await using var database = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());
        Assert.Equal(0, await PostgreSqlSchema.CurrentVersionAsync(database, default));

        Assert.Equal([1, 2, 3], await PostgreSqlSchema.ApplyAsync(database, default));
        var keys = await QueryKeysAsync(database);
        Assert.Equal(QueryKeys.Order(), keys.Order());

        Assert.Empty(await PostgreSqlSchema.ApplyAsync(database, default));
        Assert.Equal(PostgreSqlSchema.LatestVersion, await PostgreSqlSchema.CurrentVersionAsync(database, default));
        Assert.Equal(keys, await QueryKeysAsync(database));
    }

    [Fact]
    public async Task Silos_starting_together_apply_it_exactly_once()
    {
        await using var database = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostgreSqlSchema.ApplyAsync(database, default))));

        Assert.Equal(1, runs.Count(r => r.Count > 0));
        Assert.Equal(QueryKeys.Length, (await QueryKeysAsync(database)).Count);
    }

    [Fact]
    public async Task The_script_itself_can_run_again_over_an_existing_schema()
    {
        // Operators may run the SQL by hand (Storage:ApplySchema=false); running it twice must be harmless.
        await using var database = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());
        await PostgreSqlSchema.ApplyAsync(database, default);
        foreach (var version in new[] { 1, 2, 3 })
        {
            await using var again = database.CreateCommand(PostgreSqlSchema.Script(version));
            await again.ExecuteNonQueryAsync();
        }

        Assert.Equal(QueryKeys.Length, (await QueryKeysAsync(database)).Count);
    }

    [Fact]
    public async Task A_database_of_an_earlier_release_gets_only_the_migrations_it_lacks()
    {
        await using var database = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());
        await PostgreSqlSchema.ApplyAsync(database, default);
        // What a release before our own grain storage left behind: migrations 1 and 2.
        await using (var downgrade = database.CreateCommand("""
            DROP TABLE heater_grain_state;
            DELETE FROM heaterorleans_schema WHERE version = 3;
            """))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        Assert.Equal(2, await PostgreSqlSchema.CurrentVersionAsync(database, default));
        Assert.Equal([3], await PostgreSqlSchema.ApplyAsync(database, default));
        Assert.Equal(["heater_grain_state"], await SqlQuery.StringsAsync(database, "SELECT tablename::text FROM pg_tables WHERE tablename = 'heater_grain_state'"));
        Assert.Equal(QueryKeys.Order(), (await QueryKeysAsync(database)).Order());
    }

    private static Task<List<string>> QueryKeysAsync(NpgsqlDataSource database) =>
        SqlQuery.StringsAsync(database, "SELECT querykey FROM orleansquery ORDER BY querykey");
}
