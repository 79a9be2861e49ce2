using System.Reflection;
using Npgsql;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Creates what Orleans' ADO.NET grain storage, clustering and reminders read (tables, functions and the
/// <c>orleansquery</c> rows) on PostgreSQL. Migrations are numbered scripts embedded in this assembly;
/// each runs once, recorded in <c>heaterorleans_schema</c>, inside one transaction that holds an advisory
/// lock, so silos starting together apply it once and the others wait and find it done.
/// </summary>
public static class PostgreSqlSchema
{
    // Any fixed 64-bit number: the key of the advisory lock that serialises migrations.
    private const long MigrationLock = 0x4845415445524f52; // "HEATEROR"

    private static readonly (int Version, string Script)[] Migrations =
    [
        (1, "001-orleans-postgresql.sql"),
        (2, "002-reminders-postgresql.sql"),
        (3, "003-grain-state-postgresql.sql"),
    ];

    /// <summary>The latest migration this build knows.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Applies the migrations the database lacks. Returns the versions applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS heaterorleans_schema
            (
                version    integer     NOT NULL PRIMARY KEY,
                script     text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM heaterorleans_schema", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var now = new List<int>();
        foreach (var (version, script) in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await ExecuteAsync(connection, ReadScript(script), cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO heaterorleans_schema (version, script) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = version }, new() { Value = script } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
            now.Add(version);
        }

        await transaction.CommitAsync(cancellationToken);
        return now;
    }

    /// <summary>The schema version present, 0 when none was ever applied.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var exists = database.CreateCommand("SELECT to_regclass('heaterorleans_schema') IS NOT NULL");
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return 0;
        }

        await using var version = database.CreateCommand("SELECT coalesce(max(version), 0) FROM heaterorleans_schema");
        return (int)(await version.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The SQL of migration <paramref name="version"/>, for operators who apply it by hand.</summary>
    public static string Script(int version) => ReadScript(Migrations.Single(m => m.Version == version).Script);

    private static string ReadScript(string name)
    {
        var assembly = typeof(PostgreSqlSchema).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(r => r.EndsWith("." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
