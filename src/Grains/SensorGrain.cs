using System.Diagnostics;
using HeaterOrleans.Contracts;
using HeaterOrleans.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;

namespace HeaterOrleans.Grains;

/// <summary>
/// Holds one sensor's setting and last action and turns its readings into commands.
/// Not reentrant: calls, including the failsafe's checks, run one at a time.
/// The stale-sensor failsafe is in <c>SensorGrain.Failsafe.cs</c>, placement by partition in <c>SensorGrain.Placement.cs</c>.
/// </summary>
[SensorHomePlacement]
public sealed partial class SensorGrain(
    [PersistentState("sensor", SensorGrain.StorageName)] IPersistentState<SensorState> state,
    TimeProvider time,
    IOptions<FailsafeOptions> failsafeOptions,
    FailsafeSweeper failsafeSweeper,
    ISensorHome home,
    ActiveSensors active,
    ILogger<SensorGrain> logger) : Grain, ISensorGrain
{
    /// <summary>The grain storage the silo must register for sensor state.</summary>
    public const string StorageName = "sensors";

    private readonly FailsafeOptions _failsafe = failsafeOptions.Value;

    // True when the in-memory LastReading/UpdatedAt are newer than what is stored.
    private bool _informationalDirty;

    // True when the control state in memory (setting, last action sent, sequence, stale mark) is ahead of what is
    // stored: a command the broker acknowledged, or a setting, whose write failed or is still to come. It is stored
    // before anything else happens, so every decision starts from the last action actually sent.
    private bool _unstored;

    private int SensorId => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainMetrics.Activated();
        active.Add(SensorId);
        ActivateFailsafe();
        await ClaimAfterMoveAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainMetrics.Deactivated();
        active.Remove(SensorId);
        DeactivateFailsafe();
        if (reason.ReasonCode == DeactivationReasonCode.Migrating)
        {
            // State and the failsafe's silence travel with the grain; the new silo's sweeper watches it from there.
            StopWatching();
            return;
        }

        // At silo shutdown the storage may already be gone (memory storage lives in grains) and every
        // activation would write at once; the informational fields are not worth either.
        if (!_informationalDirty || reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return;
        }

        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e)
        {
            // Only the informational last reading is at stake here; control state is already stored.
            LogDeactivationWriteFailed(e, SensorId);
        }
    }

    public Task ApplySettingAsync(SensorSetting setting) => ApplyAsync(new([SensorUpdate.Of(setting)]));

    public Task ApplyReadingAsync(SensorReading reading) => ApplyAsync(new([SensorUpdate.Of(reading)]));

    public async Task ApplyAsync(Immutable<SensorUpdate[]> updates)
    {
        var local = CountCall(updates.Value);
        if (Array.Exists(updates.Value, u => u.Reading is not null))
        {
            // The sensor is alive even when its reading must wait for an earlier state to be stored (a database
            // outage): the failsafe is for silent sensors, not for our own stalls.
            Heard();
        }

        await StoreAsync();
        var current = state.State;
        foreach (var update in updates.Value)
        {
            var isReading = update.Reading is not null;
            if (UpdateFence.Covers(isReading ? current.ReadingsApplied : current.SettingsApplied, update))
            {
                // Applied before: by an earlier attempt of this batch, or before a crash, a rebalance or a duplicate
                // send. Applying it again could flip the heater back to an old action.
                GrainMetrics.Fenced();
                continue;
            }

            if (update.Reading is { } reading)
            {
                // A command earlier in this batch is stored before the next decision: a crash can then repeat only
                // the last command sent (with its sequence number), never a run of older ones after newer ones.
                await StoreAsync();
                await ApplyReadingCoreAsync(reading);
            }
            else if (update.Setting is { } setting && setting != state.State.Setting)
            {
                // A new setting keeps the last action.
                state.State.Setting = setting;
                _unstored = true;
            }

            // Stored with the next write: with a command's or a setting's, before the call returns; otherwise it rides
            // along later (a replay of a reading that changed nothing changes nothing again).
            if (isReading)
            {
                current.ReadingsApplied = UpdateFence.Advance(current.ReadingsApplied, update);
            }
            else
            {
                current.SettingsApplied = UpdateFence.Advance(current.SettingsApplied, update);
            }

            MarkInformational();
        }

        await StoreAsync();
        MoveHomeAfterRemoteCall(local, updates.Value);
    }

    public Task<SensorSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        if (!Known && s.LastReading is null)
        {
            // Anyone may ask about any ID: an unknown one must not leave an activation behind.
            DeactivateOnIdle();
            return Task.FromResult<SensorSnapshot?>(null);
        }

        return Task.FromResult<SensorSnapshot?>(new SensorSnapshot(SensorId, s.Setting, s.LastAction, s.LastReading, s.UpdatedAt, s.StaleSince));
    }

    // A sensor we have a setting or a stored row for. Readings of an unknown one are shown while its activation lives
    // but never stored: an untrusted producer cannot fill the database with IDs.
    private bool Known => state.RecordExists || state.State.Setting is not null;

    private void MarkInformational() => _informationalDirty |= Known;

    private async Task ApplyReadingCoreAsync(SensorReading reading)
    {
        var current = state.State;
        var action = ControlLaw.Decide(current.Setting, current.LastAction, reading.Temperature);
        current.LastReading = reading.Temperature;
        current.UpdatedAt = time.GetUtcNow();

        Activity.Current?.SetTag("heater.sensor_id", SensorId).SetTag("heater.command_emitted", action is not null);
        if (action is null)
        {
            if (current.StaleSince is not null)
            {
                // The sensor is back: normal control resumes, and the stored state must stop saying stale.
                current.StaleSince = null;
                _unstored = true;
            }

            MarkInformational();
            return;
        }

        Activity.Current?.SetTag("heater.action", action.Value.ToString());
        await PublishAsync(action.Value, reading.Timestamp, CommandReason.Reading, staleSince: null);
    }

    /// <summary>
    /// Publishes a command and, once the broker has acknowledged it, makes it the last action sent. The state is
    /// stored after that (<see cref="StoreAsync"/>): a crash in between repeats the command on replay, it never
    /// loses it.
    /// </summary>
    private async Task PublishAsync(HeaterAction action, DateTimeOffset? readingTime, CommandReason reason, DateTimeOffset? staleSince)
    {
        var sequence = state.State.Sequence + 1;
        await Commands().OnNextAsync(new HeaterCommandIssued(SensorId, action, sequence, readingTime, reason));
        var current = state.State;
        current.LastAction = action;
        current.Sequence = sequence;
        current.StaleSince = staleSince;
        _unstored = true;
    }

    // Looked up per command rather than held: a stream handle per active sensor costs memory at a million
    // sensors, and only a minority of readings send a command.
    private IAsyncStream<HeaterCommandIssued> Commands() =>
        this.GetStreamProvider(StreamNames.CommandsProvider)
            .GetStream<HeaterCommandIssued>(StreamId.Create(StreamNames.CommandsNamespace, this.GetPrimaryKeyLong()));

    /// <summary>
    /// Stores the control state when memory is ahead of storage. On failure memory stays ahead and the caller's retry
    /// stores it first, so a command the broker acknowledged is not sent again; after an ETag conflict the activation
    /// is dropped and the retry starts from what is stored.
    /// </summary>
    private async Task StoreAsync()
    {
        if (!_unstored)
        {
            return;
        }

        state.State.UpdatedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            GrainMetrics.StoreFailed();
            if (e is InconsistentStateException)
            {
                // Another activation wrote meanwhile (e.g. during a membership change): this one's view and
                // ETag are stale, so let it go; the caller's retry lands on an activation that reads afresh.
                LogStaleState(e, SensorId);
                DeactivateOnIdle();
            }

            throw;
        }

        GrainMetrics.Stored();
        _unstored = false;
        _informationalDirty = false;
        UpdateStaleGauge();
        AfterStored(state.State.LastAction);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: stored state changed under this activation; deactivating it")]
    private partial void LogStaleState(Exception exception, int sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: storing the last reading on deactivation failed")]
    private partial void LogDeactivationWriteFailed(Exception exception, int sensorId);
}
