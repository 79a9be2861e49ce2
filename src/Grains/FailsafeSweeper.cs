using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Grains;

/// <summary>
/// The deadlines of every heater this silo's grains hold On, swept by one timer. A reading only moves its watch's
/// time; a grain is called only when its sensor has really been silent for <see cref="FailsafeOptions.StaleAfter"/>,
/// and called again every <see cref="FailsafeOptions.RetryDelay"/> until it stops watching (its Off is stored).
/// Silence is measured in monotonic time (<see cref="TimeProvider.GetTimestamp"/>), never with the wall clock.
/// </summary>
/// <remarks>
/// It replaces a grain timer per On heater and a persisted reminder per On cycle: memory is a few dozen bytes per
/// watched heater, and a command costs no storage round trip. A watch outlives its grain's deactivation, so the call
/// reactivates the grain; a silo that dies takes its watches along, and the PostgreSQL recovery wakes those heaters.
/// </remarks>
public sealed partial class FailsafeSweeper : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly IFailsafeGate _gate;
    private readonly FailsafeOptions _options;
    private readonly ILogger<FailsafeSweeper> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, FailsafeWatch> _watches = [];
    private readonly PriorityQueue<FailsafeWatch, long> _due = new();
    private readonly ITimer _timer;
    private readonly long _staleAfter;
    private readonly long _retryDelay;
    private int _sweeping;

    // Since when readings could reach the grains without a break (a timestamp); null while they cannot (see IFailsafeGate).
    private long? _listeningSince;

    public FailsafeSweeper(
        IGrainFactory grains, TimeProvider time, IFailsafeGate gate, IOptions<FailsafeOptions> options, ILogger<FailsafeSweeper> logger)
    {
        _grains = grains;
        _time = time;
        _gate = gate;
        _options = options.Value;
        _logger = logger;
        _staleAfter = Timestamps(_options.StaleAfter);
        _retryDelay = Timestamps(_options.RetryDelay);
        // Fine enough that an Off comes within a few percent of the timeout, coarse enough to cost nothing.
        var tick = TimeSpan.FromTicks(Math.Clamp(_options.StaleAfter.Ticks / 20, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _timer = time.CreateTimer(_ => Sweep(), null, tick, tick);
    }

    /// <summary>Tells a grain whether a call comes from its own silo's sweeper.</summary>
    public Guid Instance { get; } = Guid.NewGuid();

    /// <summary>The current monotonic timestamp, the unit of every time a watch keeps.</summary>
    public long Now => _time.GetTimestamp();

    /// <summary>How long ago <paramref name="timestamp"/> was.</summary>
    public TimeSpan Since(long timestamp) => _time.GetElapsedTime(timestamp);

    /// <summary>The timestamp <paramref name="span"/> ago: silence carried over from another silo, whose clock differs.</summary>
    public long Ago(TimeSpan span) => Now - Timestamps(span);

    /// <summary>Starts watching a sensor last heard at <paramref name="heardAt"/> (see <see cref="Now"/>); replaces an earlier activation's watch.</summary>
    public FailsafeWatch Watch(long sensorId, long heardAt)
    {
        var watch = new FailsafeWatch(sensorId, heardAt);
        lock (_lock)
        {
            if (_watches.TryGetValue(sensorId, out var earlier))
            {
                earlier.Cancel();
            }

            _watches[sensorId] = watch;
            _due.Enqueue(watch, heardAt + _staleAfter);
        }

        return watch;
    }

    /// <summary>Stops watching (the heater's Off is stored); the entry leaves the queue when its deadline comes.</summary>
    public void Unwatch(FailsafeWatch watch)
    {
        watch.Cancel();
        lock (_lock)
        {
            if (_watches.TryGetValue(watch.SensorId, out var current) && ReferenceEquals(current, watch))
            {
                _watches.Remove(watch.SensorId);
            }
        }
    }

    /// <summary>Whether this sweeper watches <paramref name="sensorId"/>.</summary>
    public bool IsWatching(long sensorId)
    {
        lock (_lock)
        {
            return _watches.ContainsKey(sensorId);
        }
    }

    /// <summary>How long the sensor has been silent, as this sweeper's watch of it says; null when it does not watch it.</summary>
    public TimeSpan? SilentFor(long sensorId)
    {
        lock (_lock)
        {
            return _watches.TryGetValue(sensorId, out var watch) ? Since(watch.HeardAt) : null;
        }
    }

    /// <summary>Whether <paramref name="watch"/> is the one this sweeper holds for its sensor.</summary>
    public bool IsCurrent(FailsafeWatch watch)
    {
        lock (_lock)
        {
            return _watches.TryGetValue(watch.SensorId, out var current) && ReferenceEquals(current, watch);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            if (!_gate.IsListening)
            {
                // A broker outage, a stalled database or a backlog keeps readings from the grains: their sensors are
                // not silent. Nothing is judged now, and silence counts again only from when listening resumes.
                if (_listeningSince is not null)
                {
                    LogNotListening();
                }

                _listeningSince = null;
                return;
            }

            if (_listeningSince is null)
            {
                _listeningSince = now;
                LogListening();
            }

            List<FailsafeWatch>? silent = null;
            lock (_lock)
            {
                while (_due.TryPeek(out var watch, out var due) && due <= now)
                {
                    _due.Dequeue();
                    if (watch.Cancelled)
                    {
                        continue;
                    }

                    var heardAt = Math.Max(watch.HeardAt, _listeningSince.Value);
                    if (now - heardAt < _staleAfter)
                    {
                        // Read since: look again when it could be due.
                        _due.Enqueue(watch, heardAt + _staleAfter);
                        continue;
                    }

                    (silent ??= []).Add(watch);
                    // Again later unless the grain stops watching: a failed Off (broker or database down) is retried.
                    _due.Enqueue(watch, now + _retryDelay);
                }
            }

            foreach (var watch in silent ?? [])
            {
                _ = CheckAsync(watch);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private async Task CheckAsync(FailsafeWatch watch)
    {
        try
        {
            if (!await _grains.GetGrain<ISensorFailsafe>(watch.SensorId).CheckSilenceAsync(Instance, watch.HeardAt))
            {
                // The heater is Off, or its grain now lives (and is watched) elsewhere.
                Unwatch(watch);
            }
        }
        catch (Exception e)
        {
            LogCheckFailed(e, watch.SensorId, _options.RetryDelay.TotalSeconds);
        }
    }

    private long Timestamps(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failsafe paused: readings cannot reach the grains now (broker, backlog or stall), so no sensor counts as silent")]
    private partial void LogNotListening();

    [LoggerMessage(Level = LogLevel.Information, Message = "Failsafe listening: silence counts from now")]
    private partial void LogListening();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sensor {SensorId}: failsafe check failed; trying again in {Seconds:F0} s")]
    private partial void LogCheckFailed(Exception exception, long sensorId, double seconds);
}
