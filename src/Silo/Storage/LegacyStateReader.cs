using Npgsql;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Reads state that an earlier version stored through Orleans' ADO.NET provider (<c>orleansstorage</c>), for a grain
/// with no row in <c>heater_grain_state</c> yet, so an upgrade keeps every sensor's setting and last action. Looks
/// whether that table holds anything for this service once, so new deployments pay nothing.
/// </summary>
internal sealed class LegacyStateReader(IGrainStorage adoNet, NpgsqlDataSource database, string serviceId)
{
    private Task<bool>? _present;

    public async Task<bool> TryReadAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!await PresentAsync())
        {
            return false;
        }

        var stored = new GrainState<T>(grainState.State);
        await adoNet.ReadStateAsync(stateName, grainId, stored);
        if (!stored.RecordExists)
        {
            return false;
        }

        grainState.State = stored.State;
        return true;
    }

    private async Task<bool> PresentAsync()
    {
        var present = _present ??= AnyRowAsync();
        try
        {
            return await present;
        }
        catch
        {
            // Asked again next time: a database that was down must not hide the old state for good.
            _ = Interlocked.CompareExchange(ref _present, null, present);
            throw;
        }
    }

    private async Task<bool> AnyRowAsync()
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM orleansstorage WHERE serviceid = $1)");
        command.Parameters.Add(new() { Value = serviceId });
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
