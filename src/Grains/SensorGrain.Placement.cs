using HeaterOrleans.Contracts;
using HeaterOrleans.Grains.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace HeaterOrleans.Grains;

/// <summary>
/// Placement by partition: the grain lives on the silo whose ingress consumes its sensor's readings partition
/// (<see cref="SensorHomePlacement"/>). When a rebalance has moved that partition, the first call from the new owner
/// is remote; once it is done the grain moves there with its state (Orleans grain migration, no storage round trip),
/// so the next ones are local.
/// </summary>
public sealed partial class SensorGrain : IGrainMigrationParticipant
{
    private const string SilentForKey = "heater.silentFor";
    private const string UnstoredKey = "heater.unstored";
    private const string InformationalKey = "heater.informational";

    private bool _moving;

    // The failsafe's silence, carried over a move so that the deadline stays where it was. A duration: each silo's
    // monotonic clock is its own.
    private TimeSpan? _silentBeforeMove;

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        dehydrationContext.TryAddValue(SilentForKey, failsafeSweeper.Since(_lastHeardAt));
        dehydrationContext.TryAddValue(UnstoredKey, _unstored);
        dehydrationContext.TryAddValue(InformationalKey, _informationalDirty);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(SilentForKey, out TimeSpan silentFor))
        {
            _silentBeforeMove = silentFor;
        }

        _unstored = rehydrationContext.TryGetValue(UnstoredKey, out bool unstored) && unstored;
        _informationalDirty = rehydrationContext.TryGetValue(InformationalKey, out bool dirty) && dirty;
    }

    /// <summary>
    /// A heater moved here while On is written once: its stored row must name the silo that now watches it, or the
    /// PostgreSQL failsafe recovery, which wakes only heaters whose owner is gone, would miss it if this silo dies
    /// (the old silo, alive, no longer watches it). A failed write is retried by the next call or the sweeper's check.
    /// </summary>
    private async Task ClaimAfterMoveAsync()
    {
        if (_silentBeforeMove is null || !FailsafeWatches)
        {
            return;
        }

        _unstored = true;
        try
        {
            await StoreAsync();
        }
        catch (Exception e)
        {
            LogClaimFailed(e, SensorId);
        }
    }

    /// <summary>Counts the call by locality and tells whether it came from another silo's ingress.</summary>
    private bool? CountCall(SensorUpdate[] updates)
    {
        var local = updates.Length > 0 ? home.ConsumedHere(updates[0]) : null;
        if (local is { } l)
        {
            GrainMetrics.Called(l);
        }

        return local;
    }

    public Task MoveHomeAsync()
    {
        if (home.HomeOf(SensorId) is { } consumer)
        {
            MoveTo(consumer);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// After a remote call that brought a reading, moves (once this call is done) to the silo that consumes the
    /// reading's partition, when that is known and elsewhere: then the next readings are local, whichever partitioner
    /// their producer used. Settings never move a grain (their partitions may be consumed elsewhere), nor does a call
    /// from this silo.
    /// </summary>
    private void MoveHomeAfterRemoteCall(bool? local, SensorUpdate[] updates)
    {
        if (local is false && Array.FindLast(updates, u => u.Reading is not null) is { } reading && home.ConsumerOf(reading) is { } consumer)
        {
            MoveTo(consumer);
        }
    }

    /// <summary>Moves once idle, unless already there or moving; only with everything stored, so the move carries nothing that exists only in memory.</summary>
    private void MoveTo(SiloAddress consumer)
    {
        if (_moving || _unstored || consumer.Equals(GrainContext.Address.SiloAddress))
        {
            return;
        }

        _moving = true;
        GrainMetrics.Migrating();
        LogMoving(SensorId, consumer);
        GrainContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = consumer });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: storing the heater's new silo after a move failed; the next call or failsafe check tries again")]
    private partial void LogClaimFailed(Exception exception, int sensorId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sensor {SensorId}: moving to {Silo}, which consumes its partition")]
    private partial void LogMoving(int sensorId, SiloAddress silo);
}
