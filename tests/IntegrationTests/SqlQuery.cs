using Npgsql;

namespace HeaterOrleans.IntegrationTests;

/// <summary>Reads what tests check in the database directly.</summary>
public static class SqlQuery
{
    /// <summary>The first column of every row <paramref name="sql"/> returns, as text.</summary>
    public static async Task<List<string>> StringsAsync(NpgsqlDataSource database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        return await StringsAsync(connection, sql);
    }

    /// <summary>The same on <paramref name="connection"/>: for what lives in one session (a prepared statement).</summary>
    public static async Task<List<string>> StringsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public static async Task<List<string>> StringsAsync(string connectionString, string sql)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        return await StringsAsync(database, sql);
    }
}
