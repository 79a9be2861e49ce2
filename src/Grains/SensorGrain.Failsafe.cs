using HeaterOrleans.Contracts;
using Microsoft.Extensions.Logging;

namespace HeaterOrleans.Grains;

/// <summary>
/// The stale-sensor failsafe: while the stored state says the heater is On, the silo's <see cref="FailsafeSweeper"/>
/// watches the sensor, and once it has been silent for <see cref="FailsafeOptions.StaleAfter"/> the grain switches the
/// heater Off. A reading costs a field write, a command no storage round trip.
/// </summary>
/// <remarks>
/// A watch outlives the grain's deactivation (its call reactivates the grain). When a silo dies its watches die with
/// it; with PostgreSQL the stored state marks the heaters it watched, and a live silo wakes them (see the storage's
/// failsafe recovery). Either way a woken grain gives the sensor the full timeout from then: never early.
/// </remarks>
public sealed partial class SensorGrain : ISensorFailsafe
{
    // When this activation last saw a reading (or started), as the sweeper's monotonic timestamp: silence is measured
    // from here.
    private long _lastHeardAt;
    private bool _heardSinceActivation;
    private FailsafeWatch? _watch;
    private bool _countedStale;

    private bool FailsafeWatches => _failsafe.Enabled && state.State.LastAction == HeaterAction.On;

    public async Task<bool> CheckSilenceAsync(Guid sweeper, long? heardAt)
    {
        var ownSweeper = sweeper == failsafeSweeper.Instance;
        if (ownSweeper && heardAt is { } earlier && !_heardSinceActivation && earlier < _lastHeardAt)
        {
            // A watch this silo kept across a deactivation: the sensor has been silent since then, not since now.
            _lastHeardAt = earlier;
            _watch?.Heard(earlier);
        }

        try
        {
            // An Off sent earlier whose store failed is stored first; that also ends the watch.
            await StoreAsync();
        }
        catch (Exception e)
        {
            LogSwitchOffFailed(e, SensorId, _failsafe.RetryDelay.TotalSeconds);
            return ownSweeper;
        }

        if (!FailsafeWatches)
        {
            StopWatching();
            return false;
        }

        _watch ??= failsafeSweeper.Watch(SensorId, _lastHeardAt);
        var silentFor = failsafeSweeper.Since(_lastHeardAt);
        if (silentFor >= _failsafe.StaleAfter)
        {
            try
            {
                await PublishAsync(HeaterAction.Off, readingTime: null, CommandReason.StaleSensor, staleSince: time.GetUtcNow());
                await StoreAsync();
                GrainMetrics.FailsafeTriggered();
                LogSwitchedOff(SensorId, silentFor.TotalSeconds);
            }
            catch (Exception e)
            {
                // Broker or database down: the heater is still On, and the sweeper calls again.
                LogSwitchOffFailed(e, SensorId, _failsafe.RetryDelay.TotalSeconds);
            }
        }

        return ownSweeper && _watch is not null && failsafeSweeper.IsCurrent(_watch);
    }

    private void ActivateFailsafe()
    {
        UpdateStaleGauge();
        // Moved here from another silo: the silence goes on from where it was. Otherwise, whatever woke us (a reading,
        // the sweeper, the recovery after a crash), the sensor may have read until just now: give it the full timeout
        // from here, so the failsafe never fires early.
        _lastHeardAt = _silentBeforeMove is { } silent ? failsafeSweeper.Ago(silent) : failsafeSweeper.Now;
        if (FailsafeWatches)
        {
            _watch = failsafeSweeper.Watch(SensorId, _lastHeardAt);
        }
    }

    private void DeactivateFailsafe()
    {
        // The watch stays with the sweeper (unless the silo stops): its call brings the grain back if still needed.
        if (_countedStale)
        {
            GrainMetrics.StaleChanged(false);
        }
    }

    private void Heard()
    {
        _lastHeardAt = failsafeSweeper.Now;
        _heardSinceActivation = true;
        _watch?.Heard(_lastHeardAt);
    }

    /// <summary>
    /// The stored state now says <paramref name="action"/>: watch a heater that went On, with the full timeout from
    /// now (its command may have waited out an outage to be stored), and stop watching one that is not On.
    /// </summary>
    private void AfterStored(HeaterAction? action)
    {
        if (action != HeaterAction.On || !_failsafe.Enabled)
        {
            StopWatching();
        }
        else if (_watch is null)
        {
            _lastHeardAt = failsafeSweeper.Now;
            _watch = failsafeSweeper.Watch(SensorId, _lastHeardAt);
        }
    }

    private void StopWatching()
    {
        if (_watch is not null)
        {
            failsafeSweeper.Unwatch(_watch);
            _watch = null;
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
}
