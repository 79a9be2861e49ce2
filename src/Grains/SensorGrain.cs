using System.Diagnostics;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.Streams;

namespace HeaterOrleans.Grains;

/// <summary>
/// Holds one sensor's setting and last action and turns its readings into commands.
/// Not reentrant: calls run one at a time, in the order the ingress bridge sends them.
/// </summary>
public sealed partial class SensorGrain(
    [PersistentState("sensor", SensorGrain.StorageName)] IPersistentState<SensorState> state,
    TimeProvider time,
    ILogger<SensorGrain> logger) : Grain, ISensorGrain
{
    /// <summary>The grain storage the silo must register for sensor state.</summary>
    public const string StorageName = "sensors";


    // True when the in-memory LastReading/UpdatedAt are newer than what is stored.
    private bool _informationalDirty;

    // A command the broker acknowledged whose new last action could not be stored yet.
    private (HeaterAction Action, long Sequence)? _publishedNotStored;

    private int SensorId => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainMetrics.Activated();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainMetrics.Deactivated();
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

    public Task ApplySettingAsync(SensorSetting setting)
    {
        if (setting == state.State.Setting)
        {
            return Task.CompletedTask;
        }

        return StoreAsync(setting, state.State.LastAction, state.State.Sequence);
    }

    public async Task ApplyReadingAsync(SensorReading reading)
    {
        var current = state.State;
        var action = ControlLaw.Decide(current.Setting, current.LastAction, reading.Temperature);
        current.LastReading = reading.Temperature;
        current.UpdatedAt = time.GetUtcNow();

        Activity.Current?.SetTag("heater.sensor_id", SensorId).SetTag("heater.command_emitted", action is not null);
        if (action is null)
        {
            _informationalDirty = true;
            return;
        }

        Activity.Current?.SetTag("heater.action", action.Value.ToString());

        // Publish first, persist after: a crash in between repeats the command on replay,
        // it never loses it. The publish completes only on the broker's ack. When only the store failed,
        // the caller's retry of the same record finds the command already acknowledged and just stores.
        if (_publishedNotStored?.Action != action)
        {
            var sequence = current.Sequence + 1;
            // The stream provider turns these request-context entries into the command's Kafka headers.
            RequestContext.Set(CommandHeaders.Sequence, sequence);
            RequestContext.Set(CommandHeaders.ReadingTime, reading.Timestamp.ToUnixTimeMilliseconds());
            try
            {
                await Commands().OnNextAsync(action.Value.ToMessage(SensorId));
            }
            finally
            {
                RequestContext.Remove(CommandHeaders.Sequence);
                RequestContext.Remove(CommandHeaders.ReadingTime);
            }

            _publishedNotStored = (action.Value, sequence);
        }

        await StoreAsync(current.Setting, action, _publishedNotStored!.Value.Sequence);
    }

    // Looked up per command rather than held: a stream handle per active sensor costs memory at a million
    // sensors, and only a minority of readings send a command.
    private IAsyncStream<HeaterControl> Commands() =>
        this.GetStreamProvider(StreamNames.CommandsProvider)
            .GetStream<HeaterControl>(StreamId.Create(StreamNames.CommandsNamespace, this.GetPrimaryKeyLong()));

    public Task<SensorSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(state.RecordExists || s.Setting is not null || s.LastReading is not null
            ? new SensorSnapshot(SensorId, s.Setting, s.LastAction, s.LastReading, s.UpdatedAt)
            : null);
    }

    /// <summary>
    /// Stores new control state. On failure the in-memory state is rolled back, so that the
    /// caller's retry does the whole change again instead of finding it "already applied".
    /// </summary>
    private async Task StoreAsync(SensorSetting? setting, HeaterAction? lastAction, long sequence)
    {
        var current = state.State;
        var (previousSetting, previousAction, previousSequence) = (current.Setting, current.LastAction, current.Sequence);
        current.Setting = setting;
        current.LastAction = lastAction;
        current.Sequence = sequence;
        current.UpdatedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
            _informationalDirty = false;
            _publishedNotStored = null;
        }
        catch (Exception e)
        {
            GrainMetrics.StoreFailed();
            current.Setting = previousSetting;
            current.LastAction = previousAction;
            current.Sequence = previousSequence;
            if (e is InconsistentStateException)
            {
                // Another activation wrote meanwhile (e.g. during a membership change): this one's view and
                // ETag are stale, so let it go; the caller's retry lands on an activation that reads afresh.
                LogStaleState(e, SensorId);
                DeactivateOnIdle();
            }

            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: stored state changed under this activation; deactivating it")]
    private partial void LogStaleState(Exception exception, int sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: storing the last reading on deactivation failed")]
    private partial void LogDeactivationWriteFailed(Exception exception, int sensorId);
}
