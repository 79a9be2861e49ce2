using HeaterOrleans.Grains;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Wakes the heaters that a silo which is gone left On: their rows say the failsafe watches them and name an owner
/// that is no longer a live member. Looks at start, on every membership change, and every five timeouts (a wake-up
/// that failed is tried again). A woken grain takes the row over on its read and gives the sensor a full timeout.
/// </summary>
internal sealed partial class FailsafeRecovery(
    NpgsqlDataSource database,
    IClusterMembershipService membership,
    IGrainFactory grains,
    IOptions<ClusterOptions> cluster,
    IOptions<FailsafeOptions> failsafe,
    ILogger<FailsafeRecovery> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxPerRound = 10_000;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (failsafe.Value.Enabled)
        {
            lifecycle.Subscribe(nameof(FailsafeRecovery), ServiceLifecycleStage.Active, StartAsync, StopAsync);
        }
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Each look is a scan of the state table (it has no index for this, to keep state writes in place), so
        // besides membership changes only now and then: for a wake-up that failed.
        var interval = failsafe.Value.StaleAfter * 5;
        var seen = MembershipVersion.MinValue;
        var last = TimeSpan.MinValue;
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = membership.CurrentSnapshot;
            var now = TimeSpan.FromMilliseconds(Environment.TickCount64);
            if (snapshot.Version == seen && now - last < interval)
            {
                await ((Task)tick.WaitForNextTickAsync(cancellationToken).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            seen = snapshot.Version;
            last = now;
            try
            {
                var live = snapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead).Select(m => m.SiloAddress.ToParsableString()).ToArray();
                var woken = await WakeOrphansAsync(live, cancellationToken);
                if (woken > 0)
                {
                    LogWoken(logger, woken);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogFailed(logger, e, interval.TotalSeconds);
            }
        }
    }

    private async Task<int> WakeOrphansAsync(string[] liveSilos, CancellationToken cancellationToken)
    {
        var orphans = new List<string>();
        await using (var command = database.CreateCommand("""
            SELECT grain_id FROM heater_grain_state
             WHERE service_id = $1 AND watch AND (owner IS NULL OR owner <> ALL($2))
             LIMIT $3
            """))
        {
            command.Parameters.Add(new() { Value = cluster.Value.ServiceId });
            command.Parameters.Add(new() { Value = liveSilos });
            command.Parameters.Add(new() { Value = MaxPerRound });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                orphans.Add(reader.GetString(0));
            }
        }

        await Parallel.ForEachAsync(orphans, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (grainId, _) => await grains.GetGrain<ISensorFailsafe>(GrainId.Parse(grainId)).CheckSilenceAsync(Guid.Empty, heardAt: null));
        return orphans.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Failsafe recovery: woke {Count} heater(s) left On by silos that are gone")]
    private static partial void LogWoken(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failsafe recovery failed; trying again within {Seconds:F0} s")]
    private static partial void LogFailed(ILogger logger, Exception exception, double seconds);
}
