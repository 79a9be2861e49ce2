using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The silo's PostgreSQL connections plan each state batch for the table as it is then. A plan cached for a statement
/// prepared while the table was empty (a new deployment) walked every row of the service for each batch until
/// autovacuum next analyzed the table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlPlanTests(PostgresFixture postgres)
{
    private const int Rows = 5_000;

    [Fact]
    public async Task A_batch_update_prepared_on_an_empty_table_looks_its_rows_up_by_key_once_the_table_has_grown()
    {
        await using var services = SiloDataSource(await postgres.Server.CreateDatabaseAsync());
        var database = services.GetRequiredService<NpgsqlDataSource>();
        await PostgreSqlSchema.ApplyAsync(database, default);
        await using var connection = await database.OpenConnectionAsync();
        await Execute(connection, $"PREPARE write_states(varchar, varchar[], varchar[], bigint[], bytea[], boolean[], varchar) AS {StateBatcher.UpdateSql}");
        for (var i = 0; i < 10; i++)
        {
            // More than the five runs after which the server would settle on a generic plan made for an empty table.
            await Execute(connection, "EXECUTE write_states('test', '{sensor/1}', '{sensor}', '{1}', '{\"\\\\x00\"}', '{f}', 'silo')");
        }

        await Execute(connection, $"""
            INSERT INTO heater_grain_state (service_id, grain_id, state_name, version, payload)
            SELECT 'test', 'sensor/' || n, 'sensor', 1, '\x00' FROM generate_series(1, {Rows}) AS n
            """);
        var plan = await SqlQuery.StringsAsync(
            connection, "EXPLAIN EXECUTE write_states('test', '{sensor/7}', '{sensor}', '{1}', '{\"\\\\x00\"}', '{f}', 'silo')");

        // Looked up by the whole key (service, grain, state): not every row of the service, nor the whole table.
        var lookup = Assert.Single(plan, line => line.Contains("Index Cond:", StringComparison.Ordinal));
        Assert.Contains("grain_id", lookup, StringComparison.Ordinal);
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on heater_grain_state", StringComparison.Ordinal));
    }

    /// <summary>The data source exactly as a silo on PostgreSQL registers it.</summary>
    private static ServiceProvider SiloDataSource(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)}"] = StorageOptions.PostgreSql,
            [HostingOptionsValidator.ConnectionStringKey] = connectionString,
        }).Build();
        return new ServiceCollection().AddOptions().AddLogging().AddHeaterStorage(configuration).BuildServiceProvider();
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
