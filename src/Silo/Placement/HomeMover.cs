using HeaterOrleans.Contracts;
using HeaterOrleans.Grains.Placement;
using HeaterOrleans.Silo.Diagnostics;

namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// After a rebalance, asks this silo's sensor grains whose readings partition another silo now consumes to move there
/// (<see cref="ISensorGrain.MoveHomeAsync"/>) at once, instead of each on its first remote reading: a sensor that reads
/// every few seconds would otherwise cost that many seconds of remote calls. Runs when this silo's view of who consumes
/// what changes, one sweep at a time, off the caller's thread.
/// </summary>
internal sealed partial class HomeMover(
    IGrainFactory grains,
    ActiveSensors active,
    KafkaSensorHome home,
    ILocalSiloDetails silo,
    ILogger<HomeMover> logger)
{
    private readonly FailureSummary _failures = new(logger, "Moving sensor grains home", TimeSpan.FromSeconds(30));
    private (int Partitions, PartitionMap Map) _swept = (0, PartitionMap.Empty);
    private Task _sweep = Task.CompletedTask;

    /// <summary>Starts a sweep when the view changed since the last one and none is running.</summary>
    public void ViewMayHaveChanged(CancellationToken stoppingToken)
    {
        var (partitions, map) = (home.PartitionCount, home.Map);
        if (!_sweep.IsCompleted || partitions == 0 || (partitions == _swept.Partitions && map.SameOwners(_swept.Map)))
        {
            return;
        }

        _swept = (partitions, map);
        _sweep = Task.Run(() => SweepAsync(stoppingToken), stoppingToken);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var away = active.Away(home.HomeOf, silo.SiloAddress);
        if (away.Count == 0)
        {
            return;
        }

        LogMoving(logger, away.Count);
        foreach (var id in away)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                // One way: returns once sent.
                await grains.GetGrain<ISensorGrain>(id).MoveHomeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // It moves on its next remote reading instead.
                _failures.Failed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Placement: moving {Count} sensor grains to the silos that now consume their partitions")]
    private static partial void LogMoving(ILogger logger, int count);
}
