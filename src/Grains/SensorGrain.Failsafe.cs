using HeaterOrleans.Contracts;
using Microsoft.Extensions.Logging;

namespace HeaterOrleans.Grains;

/// <summary>
/// The stale-sensor failsafe: while the heater is On, an in-memory watchdog timer switches it Off once the sensor
/// has been silent for <see cref="FailsafeOptions.StaleAfter"/>, and a persisted reminder brings the grain back to
/// life when it was deactivated or its silo died.
/// </summary>
/// <remarks>
/// The reminder is registered the first time the heater goes On in an activation and stays while it toggles; a
/// tick that finds the heater Off removes it. So a heater that switches often costs one reminder write per
/// activation instead of a write per On and a delete per Off (with memory reminders, one serial grain took them
/// all), and an Off heater costs at most one more tick.
/// </remarks>
public sealed partial class SensorGrain
{
    /// <summary>Name of the reminder that exists while the heater is On.</summary>
    public const string FailsafeReminder = "failsafe";

    // When this activation last saw a reading (or started): the watchdog measures silence from here.
    private DateTimeOffset _lastHeardAt;
    private IGrainTimer? _watchdog;
    private IGrainReminder? _reminder;
    private Task? _registration;
    private bool _countedStale;

    private bool FailsafeWatches => _failsafe.Enabled && state.State.LastAction == HeaterAction.On;

    // Period of the persisted reminder: it only has to wake the grain up, so the slowest Orleans allows is fine.
    private TimeSpan ReminderPeriod =>
        _failsafe.StaleAfter > reminderOptions.Value.MinimumReminderPeriod ? _failsafe.StaleAfter : reminderOptions.Value.MinimumReminderPeriod;

    /// <summary>
    /// A tick of the persisted failsafe reminder. Activating the grain is its main job: the activation starts the
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

    private void ActivateFailsafe()
    {
        UpdateStaleGauge();
        // Whatever woke us (a reading, the reminder after a crash), the sensor may have read until just now:
        // give it the full timeout from here, so the failsafe never fires early.
        Heard();
        if (FailsafeWatches)
        {
            StartWatchdog();
        }
    }

    private void DeactivateFailsafe()
    {
        if (_countedStale)
        {
            GrainMetrics.StaleChanged(false);
        }
    }

    private void Heard() => _lastHeardAt = time.GetUtcNow();

    /// <summary>An On command is about to be published: its reminder is registered alongside, if not there yet.</summary>
    private void BeforeSending(HeaterAction action)
    {
        if (action == HeaterAction.On && _failsafe.Enabled && _reminder is null && _registration is null)
        {
            _registration = RegisterFailsafeReminderAsync();
        }
    }

    /// <summary>
    /// Before the state says On, the reminder must exist, so an On heater always has one. A registration that
    /// failed is tried again here, by the caller's retry, without sending the command again.
    /// </summary>
    private async Task BeforeStoringAsync(HeaterAction? action)
    {
        if (action != HeaterAction.On || !_failsafe.Enabled)
        {
            return;
        }

        if (_registration is { IsFaulted: true } or { IsCanceled: true } || (_registration is null && _reminder is null))
        {
            _registration = RegisterFailsafeReminderAsync();
        }

        if (_registration is not null)
        {
            await _registration;
        }
    }

    /// <summary>
    /// The stored state now says <paramref name="action"/>: watch a heater that went On, with the full timeout from
    /// now (its command may have waited out an outage to be stored), and stop watching one that is not On.
    /// </summary>
    private void AfterStored(HeaterAction? action)
    {
        if (action != HeaterAction.On || !_failsafe.Enabled)
        {
            StopWatchdog();
        }
        else if (_watchdog is null)
        {
            Heard();
            StartWatchdog();
        }
    }

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
        try
        {
            // An Off the failsafe sent earlier whose store failed is stored first; that also stops this watchdog.
            await StoreAsync();
        }
        catch (Exception e)
        {
            LogSwitchOffFailed(e, SensorId, _failsafe.RetryDelay.TotalSeconds);
            _watchdog?.Change(_failsafe.RetryDelay, Timeout.InfiniteTimeSpan);
            return;
        }

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
            await PublishAsync(HeaterAction.Off, readingTime: null, CommandReason.StaleSensor, staleSince: time.GetUtcNow());
            await StoreAsync();
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
            // Unknown after a reactivation: one lookup, only when a tick finds the heater Off.
            _reminder ??= await this.GetReminder(FailsafeReminder);
            if (_reminder is not null)
            {
                await this.UnregisterReminder(_reminder);
                _reminder = null;
            }

            _registration = null;
        }
        catch (Exception e)
        {
            // Harmless when it stays: its next tick tries again.
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: no reading for {Seconds:F0} s with the heater On; failsafe switched it Off")]
    private partial void LogSwitchedOff(int sensorId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: failsafe switch-off failed; trying again in {Seconds:F0} s")]
    private partial void LogSwitchOffFailed(Exception exception, int sensorId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: removing the failsafe reminder failed; its next tick removes it")]
    private partial void LogUnregisterFailed(Exception exception, int sensorId);
}
