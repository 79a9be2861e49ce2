using System.Diagnostics;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.Streams;

namespace HeaterOrleans.Grains;

/// <summary>
/// Holds one sensor's setting and last action and turns its readings into commands.
/// Not reentrant: calls, the failsafe watchdog and reminder ticks run one at a time.
/// </summary>
/// <remarks>
/// Failsafe: while the heater is On, an in-memory watchdog timer switches it Off once the sensor has been silent
/// for <see cref="FailsafeOptions.StaleAfter"/>, and a persisted reminder brings the grain back to life when it was
/// deactivated or its silo died. Both exist only while the heater is On, so an Off heater costs nothing.
/// </remarks>
public sealed partial class SensorGrain(
    [PersistentState("sensor", SensorGrain.StorageName)] IPersistentState<SensorState> state,
    TimeProvider time,
    IOptions<FailsafeOptions> failsafeOptions,
    IOptions<ReminderOptions> reminderOptions,
    ILogger<SensorGrain> logger) : Grain, ISensorGrain, IRemindable
{
    /// <summary>The grain storage the silo must register for sensor state.</summary>
    public const string StorageName = "sensors";

    /// <summary>Name of the reminder that exists while the heater is On.</summary>
    public const string FailsafeReminder = "failsafe";

    private readonly FailsafeOptions _failsafe = failsafeOptions.Value;

    // True when the in-memory LastReading/UpdatedAt are newer than what is stored.
    private bool _informationalDirty;

    // A command the broker acknowledged whose state could not be stored yet: stored before anything else happens.
    private (HeaterAction Action, long Sequence, DateTimeOffset? StaleSince)? _publishedNotStored;

    // When this activation last saw a reading (or started): the watchdog measures silence from here.
    private DateTimeOffset _lastHeardAt;
    private IGrainTimer? _watchdog;
    private IGrainReminder? _reminder;
    private Task? _registration;
    private bool _countedStale;

    private int SensorId => (int)this.GetPrimaryKeyLong();

    private bool FailsafeWatches => _failsafe.Enabled && state.State.LastAction == HeaterAction.On;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainMetrics.Activated();
        UpdateStaleGauge();
        // Whatever woke us (a reading, the reminder after a crash), the sensor may have read until just now:
        // give it the full timeout from here, so the failsafe never fires early.
        _lastHeardAt = time.GetUtcNow();
        if (FailsafeWatches)
        {
            StartWatchdog();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainMetrics.Deactivated();
        if (_countedStale)
        {
            GrainMetrics.StaleChanged(false);
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
        _lastHeardAt = current.UpdatedAt.Value;

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
        await SendAsync(action.Value, reading.Timestamp, staleSince: null);
    }

    public Task<SensorSnapshot?> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(state.RecordExists || s.Setting is not null || s.LastReading is not null
            ? new SensorSnapshot(SensorId, s.Setting, s.LastAction, s.LastReading, s.UpdatedAt, s.StaleSince)
            : null);
    }

    /// <summary>
    /// A tick of the persisted failsafe reminder. Activating the grain is its whole job: the activation starts the
    /// watchdog. A reminder left behind for a heater that is no longer On is removed.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != FailsafeReminder)
        {
            return;
        }

        if (!FailsafeWatches)
        {
            await UnregisterFailsafeReminderAsync();
        }
        else if (_watchdog is null)
        {
            StartWatchdog();
        }
    }

    /// <summary>
    /// Publishes a command, then stores the state it leads to: a crash in between repeats the command on replay,
    /// it never loses it. The publish completes only on the broker's ack.
    /// </summary>
    private async Task SendAsync(HeaterAction action, DateTimeOffset? readingTime, DateTimeOffset? staleSince)
    {
        var current = state.State;
        if (action == HeaterAction.On && _failsafe.Enabled)
        {
            // Alongside the command rather than before it; the state is stored only once it is done (StorePendingAsync),
            // so an On heater always has its reminder. One left by a failed publish removes itself at its first tick.
            _registration = RegisterFailsafeReminderAsync();
        }

        var sequence = current.Sequence + 1;
        // The stream provider turns these request-context entries into the command's Kafka headers.
        RequestContext.Set(CommandHeaders.Sequence, sequence);
        if (readingTime is { } readAt)
        {
            RequestContext.Set(CommandHeaders.ReadingTime, readAt.ToUnixTimeMilliseconds());
        }
        else
        {
            RequestContext.Set(CommandHeaders.Reason, CommandHeaders.StaleSensor);
        }

        try
        {
            await Commands().OnNextAsync(action.ToMessage(SensorId));
        }
        finally
        {
            RequestContext.Remove(CommandHeaders.Sequence);
            RequestContext.Remove(CommandHeaders.ReadingTime);
            RequestContext.Remove(CommandHeaders.Reason);
        }

        _publishedNotStored = (action, sequence, staleSince);
        await StorePendingAsync();
    }

    // Looked up per command rather than held: a stream handle per active sensor costs memory at a million
    // sensors, and only a minority of readings send a command.
    private IAsyncStream<HeaterControl> Commands() =>
        this.GetStreamProvider(StreamNames.CommandsProvider)
            .GetStream<HeaterControl>(StreamId.Create(StreamNames.CommandsNamespace, this.GetPrimaryKeyLong()));

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

        var wasOn = state.State.LastAction == HeaterAction.On;
        if (sent.Action == HeaterAction.On && _failsafe.Enabled)
        {
            // A registration that failed is tried again here, by the caller's retry, without sending the command again.
            _registration = _registration is { IsFaulted: false, IsCanceled: false } ? _registration : RegisterFailsafeReminderAsync();
            await _registration;
        }

        await StoreAsync(state.State.Setting, sent.Action, sent.Sequence, sent.StaleSince);
        _publishedNotStored = null;
        if (sent.Action == HeaterAction.On && _failsafe.Enabled)
        {
            _lastHeardAt = time.GetUtcNow();
            StartWatchdog();
        }
        else if (wasOn)
        {
            StopWatchdog();
            _registration = null;
            await UnregisterFailsafeReminderAsync();
        }
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

    // Period of the persisted reminder: it only has to wake the grain up, so the slowest Orleans allows is fine.
    private TimeSpan ReminderPeriod =>
        _failsafe.StaleAfter > reminderOptions.Value.MinimumReminderPeriod ? _failsafe.StaleAfter : reminderOptions.Value.MinimumReminderPeriod;

    private void StartWatchdog()
    {
        var due = _lastHeardAt + _failsafe.StaleAfter - time.GetUtcNow();
        due = due > TimeSpan.Zero ? due : TimeSpan.Zero;
        if (_watchdog is null)
        {
            // Not interleaved: a tick is a turn like any call, so it sees consistent state.
            _watchdog = this.RegisterGrainTimer(CheckSilenceAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _watchdog.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopWatchdog()
    {
        _watchdog?.Dispose();
        _watchdog = null;
    }

    private async Task CheckSilenceAsync(CancellationToken cancellationToken)
    {
        if (!FailsafeWatches)
        {
            StopWatchdog();
            return;
        }

        var silentFor = time.GetUtcNow() - _lastHeardAt;
        if (silentFor < _failsafe.StaleAfter)
        {
            // A reading came since the timer was set: no reset per reading, just look again when it could be due.
            StartWatchdog();
            return;
        }

        try
        {
            await StorePendingAsync();
            if (!FailsafeWatches)
            {
                return;
            }

            await SendAsync(HeaterAction.Off, readingTime: null, staleSince: time.GetUtcNow());
            GrainMetrics.FailsafeTriggered();
            LogSwitchedOff(SensorId, silentFor.TotalSeconds);
        }
        catch (Exception e)
        {
            // Broker or database down: the heater is still On, so keep trying.
            LogSwitchOffFailed(e, SensorId, _failsafe.RetryDelay.TotalSeconds);
            _watchdog?.Change(_failsafe.RetryDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task RegisterFailsafeReminderAsync() =>
        _reminder = await this.RegisterOrUpdateReminder(FailsafeReminder, _failsafe.StaleAfter, ReminderPeriod);

    private async Task UnregisterFailsafeReminderAsync()
    {
        try
        {
            // Unknown after a reactivation: one lookup, only when a heater that was On goes Off.
            _reminder ??= await this.GetReminder(FailsafeReminder);
            if (_reminder is not null)
            {
                await this.UnregisterReminder(_reminder);
                _reminder = null;
            }
        }
        catch (Exception e)
        {
            // Harmless when it stays: its next tick finds the heater Off and removes it then.
            LogUnregisterFailed(e, SensorId);
        }
    }

    private void UpdateStaleGauge()
    {
        var stale = state.State.StaleSince is not null;
        if (stale != _countedStale)
        {
            GrainMetrics.StaleChanged(stale);
            _countedStale = stale;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: stored state changed under this activation; deactivating it")]
    private partial void LogStaleState(Exception exception, int sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: storing the last reading on deactivation failed")]
    private partial void LogDeactivationWriteFailed(Exception exception, int sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: no reading for {Seconds:F0} s with the heater On; failsafe switched it Off")]
    private partial void LogSwitchedOff(int sensorId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: failsafe switch-off failed; trying again in {Seconds:F0} s")]
    private partial void LogSwitchOffFailed(Exception exception, int sensorId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: removing the failsafe reminder failed; its next tick removes it")]
    private partial void LogUnregisterFailed(Exception exception, int sensorId);
}
