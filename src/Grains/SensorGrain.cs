using System.Diagnostics;
using HeaterOrleans.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.Streams;

namespace HeaterOrleans.Grains;

/// <summary>
/// Holds one sensor's setting and last action and turns its readings into commands.
/// Not reentrant: calls, the failsafe watchdog and reminder ticks run one at a time.
/// The stale-sensor failsafe is in <c>SensorGrain.Failsafe.cs</c>.
/// </summary>
public sealed partial class SensorGrain(
    [PersistentState("sensor", SensorGrain.StorageName)] IPersistentState<SensorState> state,
    TimeProvider time,
    IOptions<FailsafeOptions> failsafeOptions,
    IOptions<ReminderOptions> reminderOptions,
    ILogger<SensorGrain> logger) : Grain, ISensorGrain, IRemindable
{
    /// <summary>The grain storage the silo must register for sensor state.</summary>
    public const string StorageName = "sensors";

    private readonly FailsafeOptions _failsafe = failsafeOptions.Value;

    // True when the in-memory LastReading/UpdatedAt are newer than what is stored.
    private bool _informationalDirty;

    // A command the broker acknowledged whose state could not be stored yet: stored before anything else happens.
    private (HeaterAction Action, long Sequence, DateTimeOffset? StaleSince)? _publishedNotStored;

    private int SensorId => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainMetrics.Activated();
        ActivateFailsafe();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainMetrics.Deactivated();
        DeactivateFailsafe();

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

    public async Task ApplySettingAsync(SensorSetting setting)
    {
        await StorePendingAsync();
        if (setting != state.State.Setting)
        {
            await StoreAsync(setting, state.State.LastAction, state.State.Sequence, state.State.StaleSince);
        }
    }

    public async Task ApplyReadingAsync(SensorReading reading)
    {
        await StorePendingAsync();
        var current = state.State;
        var action = ControlLaw.Decide(current.Setting, current.LastAction, reading.Temperature);
        current.LastReading = reading.Temperature;
        current.UpdatedAt = time.GetUtcNow();
        Heard();

        Activity.Current?.SetTag("heater.sensor_id", SensorId).SetTag("heater.command_emitted", action is not null);
        if (action is null)
        {
            if (current.StaleSince is not null)
            {
                // The sensor is back: normal control resumes, and the stored state must stop saying stale.
                await StoreAsync(current.Setting, current.LastAction, current.Sequence, staleSince: null);
                return;
            }

            _informationalDirty = true;
            return;
        }

        Activity.Current?.SetTag("heater.action", action.Value.ToString());
        await SendAsync(action.Value, reading.Timestamp, CommandReason.Reading, staleSince: null);
    }

    public Task<SensorSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(state.RecordExists || s.Setting is not null || s.LastReading is not null
            ? new SensorSnapshot(SensorId, s.Setting, s.LastAction, s.LastReading, s.UpdatedAt, s.StaleSince)
            : null);
    }

    /// <summary>
    /// Publishes a command, then stores the state it leads to: a crash in between repeats the command on replay,
    /// it never loses it. The publish completes only on the broker's ack.
    /// </summary>
    private async Task SendAsync(HeaterAction action, DateTimeOffset? readingTime, CommandReason reason, DateTimeOffset? staleSince)
    {
        var sequence = state.State.Sequence + 1;
        // The failsafe's reminder is made ready alongside the command and awaited before the state is stored.
        BeforeSending(action);
        await Commands().OnNextAsync(new HeaterCommandIssued(SensorId, action, sequence, readingTime, reason));
        _publishedNotStored = (action, sequence, staleSince);
        await StorePendingAsync();
    }

    // Looked up per command rather than held: a stream handle per active sensor costs memory at a million
    // sensors, and only a minority of readings send a command.
    private IAsyncStream<HeaterCommandIssued> Commands() =>
        this.GetStreamProvider(StreamNames.CommandsProvider)
            .GetStream<HeaterCommandIssued>(StreamId.Create(StreamNames.CommandsNamespace, this.GetPrimaryKeyLong()));

    /// <summary>
    /// Stores a command the broker acknowledged earlier whose store failed, before the grain decides anything
    /// else: every decision must start from the last action actually sent.
    /// </summary>
    private async Task StorePendingAsync()
    {
        if (_publishedNotStored is not { } sent)
        {
            return;
        }

        await BeforeStoringAsync(sent.Action);
        await StoreAsync(state.State.Setting, sent.Action, sent.Sequence, sent.StaleSince);
        _publishedNotStored = null;
        AfterStored(sent.Action);
    }

    /// <summary>
    /// Stores new control state. On failure the in-memory state is rolled back, so that the
    /// caller's retry does the whole change again instead of finding it "already applied".
    /// </summary>
    private async Task StoreAsync(SensorSetting? setting, HeaterAction? lastAction, long sequence, DateTimeOffset? staleSince)
    {
        var current = state.State;
        var previous = (current.Setting, current.LastAction, current.Sequence, current.StaleSince);
        current.Setting = setting;
        current.LastAction = lastAction;
        current.Sequence = sequence;
        current.StaleSince = staleSince;
        current.UpdatedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
            _informationalDirty = false;
            UpdateStaleGauge();
        }
        catch (Exception e)
        {
            GrainMetrics.StoreFailed();
            (current.Setting, current.LastAction, current.Sequence, current.StaleSince) = previous;
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
