using HeaterOrleans.Testing;
using Npgsql;

namespace HeaterOrleans.Bench;

/// <summary>
/// The PostgreSQL of the <c>service-pg</c> variant: the user's database (<c>--PostgreSql</c>), shared by the phases,
/// whose run-unique topics keep the runs' state apart; or by default a throwaway server with PostgreSQL's own
/// settings, started as the tests start theirs, with a fresh database per phase so no phase reads another's tables.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly PostgresServer? _server;
    private readonly string? _external;

    private BenchPostgres(PostgresServer? server, string? external)
    {
        _server = server;
        _external = external;
    }

    public static async Task<BenchPostgres> StartAsync(BenchOptions options) =>
        options.ExternalPostgreSql is { } external ? new BenchPostgres(null, external) : new BenchPostgres(await PostgresServer.StartAsync(options.PostgreSqlMaxConnections), null);

    /// <summary>The bench's own throwaway server, which it may stop; never the user's.</summary>
    public bool CanStop => _server is not null;

    private PostgresServer Server => _server ?? throw new InvalidOperationException("The bench stops no PostgreSQL server it did not start.");

    /// <summary>The connection string of a phase's database.</summary>
    public async Task<string> DatabaseAsync() => _external ?? await _server!.CreateDatabaseAsync();

    /// <summary>Where the state went and the connection limits in force, asked of the server itself.</summary>
    /// <param name="siloMaxConnections">The silo's <c>Storage:MaxConnections</c>, null when unset.</param>
    public async Task<string> DescribeAsync(string connectionString, string? siloMaxConnections)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var version = await ShowAsync(connection, "server_version");
        var maxConnections = await ShowAsync(connection, "max_connections");
        var where = _server is not null
            ? $"a throwaway server (PostgreSQL {version}, its default settings) on port {_server.Port}, a fresh database per phase"
            : $"{Where(connectionString)} (PostgreSQL {version}, given), run-unique topics";
        var silo = siloMaxConnections is null ? "not set (the silo's default)" : siloMaxConnections;
        return $"PostgreSQL (service-pg): {where}; server max_connections {maxConnections}; silo Storage:MaxConnections {silo}; the server's CPU is in no figure.";
    }

    /// <summary>Stops the throwaway server (an outage: the service sees refused connections) until <see cref="StartServerAsync"/>.</summary>
    public Task StopServerAsync() => Server.StopAsync();

    public Task StartServerAsync() => Server.StartAgainAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<string> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Host, port and database only: the connection string may hold a password.</summary>
    private static string Where(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
