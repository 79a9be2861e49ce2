using HeaterOrleans.Grains;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Grain state in PostgreSQL (<c>heater_grain_state</c>), written and read in batches by a <see cref="StateBatcher"/>
/// (group commit) on the silo's bounded connection pool. The row's version is the ETag: a write names the version it
/// read, and a write that lost a race fails with <see cref="InconsistentStateException"/>, as with Orleans' providers.
/// State an earlier version stored through Orleans' ADO.NET provider is read from there when a grain has no row here.
/// </summary>
internal sealed class PostgreSqlGrainStorage(
    StateBatcher batcher, LegacyStateReader legacy, IGrainStorageSerializer serializer, Npgsql.NpgsqlDataSource database, string serviceId)
    : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (await batcher.RunAsync(StateOperation.Read(grainId.ToString(), stateName)) is { } row)
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(row.Payload));
            grainState.ETag = ETag(row.Version);
            grainState.RecordExists = true;
            return;
        }

        grainState.ETag = null;
        // Found there, it is written here by the grain's next write (an ETag of null inserts).
        grainState.RecordExists = await legacy.TryReadAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var watched = grainState.State is IWatchedState { Watched: true };
        var row = await batcher.RunAsync(StateOperation.Write(grainId.ToString(), stateName, Version(grainState.ETag), payload, watched));
        grainState.ETag = ETag(row!.Value.Version);
        grainState.RecordExists = true;
    }

    /// <summary>Rare (nothing of ours clears state), so not batched.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Version(grainState.ETag) is { } version)
        {
            await using var command = database.CreateCommand(
                "DELETE FROM heater_grain_state WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $4");
            command.Parameters.Add(new() { Value = serviceId });
            command.Parameters.Add(new() { Value = grainId.ToString() });
            command.Parameters.Add(new() { Value = stateName });
            command.Parameters.Add(new() { Value = version });
            if (await command.ExecuteNonQueryAsync() == 0)
            {
                throw StateBatcher.Conflict(grainId.ToString(), stateName, version);
            }
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string ETag(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long? Version(string? etag) =>
        etag is null ? null : long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
}
