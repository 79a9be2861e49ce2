using HeaterOrleans.Contracts;
using HeaterOrleans.Silo.Simulator;

namespace HeaterOrleans.Simulation;

/// <summary>
/// A room with a heater and a sensor, on the shared <see cref="RoomPhysics"/> (the built-in simulator's model too),
/// integrated exactly between events, so every switch takes effect at its own simulated instant (not at the next
/// reading) and time outside the band comes from the exact crossing instants. Only the reading thread advances a
/// room; the command thread queues switches.
/// </summary>
internal sealed class SimulatedRoom
{
    private const int RecentReadings = 64;

    private readonly HeaterPlan _plan;
    private readonly RoomPhysics _physics;
    private readonly double _delay;
    private readonly double _changeAt;
    private readonly DeviationHistogram _histogram;
    private readonly Random _noise;
    private readonly Lock _gate = new();
    private readonly Queue<(double At, bool On)> _pending = new();
    // Kafka timestamp (ms) and simulated time of recent readings, to time each command from its reading.
    private readonly long[] _sentMs = new long[RecentReadings];
    private readonly double[] _sentAt = new double[RecentReadings];
    private int _sentCount;
    private long _newestObeyedMs = long.MinValue;

    private double _time;
    private double _temperature;
    private bool _on;
    private bool _settled;
    private bool _changed;

    private double _outside;
    private double _settledOutside;
    private double _settledTime;
    private double _maxOver;
    private double _maxUnder;
    private double? _settleSeconds;
    private double? _resettleSeconds;
    private int _commands;
    private int _switches;
    private int _redundant;
    private int _stale;

    public SimulatedRoom(HeaterPlan plan, int sensorId, double delay, double changeAt, double noise, NoiseKind noiseKind,
        DeviationHistogram histogram, bool traced)
    {
        _plan = plan;
        _physics = plan.Physics;
        SensorId = sensorId;
        _delay = delay;
        _changeAt = changeAt;
        NoiseSigma = noise;
        NoiseKind = noiseKind;
        _histogram = histogram;
        _noise = new Random(plan.NoiseSeed);
        _temperature = plan.InitialTemperature;
        Trace = traced ? new HeaterTrace() : null;
        Trace?.Point(0, _temperature);
    }

    public int SensorId { get; }

    public HeaterPlan Plan => _plan;

    public double NoiseSigma { get; }

    public NoiseKind NoiseKind { get; }

    public HeaterTrace? Trace { get; }

    public SensorSetting Setting => _changed && _plan.ChangedSetting is { } changed ? changed : _plan.Setting;

    /// <summary>Advances to <paramref name="time"/> and returns what the sensor reads then.</summary>
    public double Read(double time)
    {
        Advance(time);
        if (_settled)
        {
            _histogram.Add(_temperature - Setting.Desired);
        }

        var reading = _temperature + Noise();
        if (Trace is { } trace)
        {
            trace.Point(time, _temperature);
            trace.ReadingTimes.Add(time);
            trace.Readings.Add(reading);
        }

        return reading;
    }

    /// <summary>Remembers when a reading taken at <paramref name="time"/> left, by its Kafka timestamp.</summary>
    public void Sent(long timestampMs, double time)
    {
        lock (_gate)
        {
            _sentMs[_sentCount % RecentReadings] = timestampMs;
            _sentAt[_sentCount % RecentReadings] = time;
            _sentCount++;
        }
    }

    /// <summary>
    /// A command arrived at simulated time <paramref name="arrival"/>; it takes effect after the added delay.
    /// Like a real heater it ignores commands caused by readings older than one it has obeyed (at-least-once
    /// delivery may repeat them). With <paramref name="atReading"/> (lockstep) a command whose reading is known
    /// arrives at that reading's instant: the service takes no simulated time. Returns whether it was obeyed, and
    /// the simulated time from the causing reading to the arrival when that reading is known.
    /// </summary>
    public (bool Obeyed, double? Delay) Command(bool on, double arrival, long? readingTimeMs, bool atReading)
    {
        lock (_gate)
        {
            if (readingTimeMs < _newestObeyedMs)
            {
                _stale++;
                return (false, null);
            }

            _newestObeyedMs = readingTimeMs ?? _newestObeyedMs;
            _commands++;
            double? readAt = null;
            for (var back = 1; back <= Math.Min(_sentCount, RecentReadings); back++)
            {
                var slot = (_sentCount - back) % RecentReadings;
                if (_sentMs[slot] == readingTimeMs)
                {
                    readAt = _sentAt[slot];
                    break;
                }
            }

            if (atReading && readAt is { } at)
            {
                arrival = at;
            }

            _pending.Enqueue((arrival + _delay, on));
            return (true, arrival - readAt);
        }
    }

    /// <summary>Ends the run at <paramref name="end"/>: switches due by then are applied, later ones dropped.</summary>
    public HeaterResult Finish(double end)
    {
        Advance(end);
        if (Trace is { OnSince: { } since } trace)
        {
            trace.OnPeriods.Add((since, end));
        }

        var setting = Setting;
        lock (_gate)
        {
            return new HeaterResult(
                _delay, SensorId, _plan.Index, _plan.Tau, _plan.Outside, _plan.HeatedEquilibrium, _plan.Setting.Desired,
                _plan.ChangedSetting?.Desired,
                OutsideShare: _outside / end,
                SettledOutsideShare: _settledTime > 0 ? _settledOutside / _settledTime : double.NaN,
                SettledSeconds: _settledTime,
                MaxOvershoot: _maxOver,
                MaxUndershoot: _maxUnder,
                SettleSeconds: _settleSeconds,
                ResettleSeconds: _resettleSeconds,
                Commands: _commands,
                Switches: _switches,
                RedundantCommands: _redundant,
                StaleCommands: _stale,
                EndTemperature: _temperature,
                EndsInBand: _temperature >= setting.Desired - setting.DownDelta && _temperature <= setting.Desired + setting.UpDelta);
        }
    }

    private void Advance(double time)
    {
        while (true)
        {
            (double At, bool On) next;
            lock (_gate)
            {
                if (!_pending.TryPeek(out next) || next.At > time)
                {
                    break;
                }

                _pending.Dequeue();
            }

            // A command whose moment this room has already passed (the threads raced by microseconds) applies now.
            Integrate(Math.Max(next.At, _time));
            Switch(next.On);
        }

        Integrate(time);
    }

    private void Switch(bool on)
    {
        if (on == _on)
        {
            _redundant++;
            return;
        }

        _on = on;
        _switches++;
        if (Trace is { } trace)
        {
            trace.Point(_time, _temperature);
            if (on)
            {
                trace.OnSince = _time;
            }
            else if (trace.OnSince is { } since)
            {
                trace.OnPeriods.Add((since, _time));
                trace.OnSince = null;
            }
        }
    }

    private void Integrate(double to)
    {
        if (to <= _time)
        {
            return;
        }

        if (!_changed && _plan.ChangedSetting is not null && _changeAt <= to)
        {
            // The band moves at the change instant: account up to it under the old setting.
            Segment(Math.Max(_changeAt, _time));
            _changed = true;
            _settled = false;
        }

        Segment(to);
    }

    /// <summary>From the current state to <paramref name="to"/> with the heater and the band unchanged.</summary>
    private void Segment(double to)
    {
        if (to <= _time)
        {
            return;
        }

        var equilibrium = _physics.Equilibrium(_on);
        var (t0, temperature0) = (_time, _temperature);
        var temperature1 = At(to - t0, temperature0, equilibrium);
        var setting = Setting;
        var (low, high) = (setting.Desired - setting.DownDelta, setting.Desired + setting.UpDelta);
        _outside += Beyond(t0, temperature0, to, temperature1, equilibrium, low, high);

        if (!_settled && Entry(t0, temperature0, to, temperature1, equilibrium, low, high) is { } entered)
        {
            _settled = true;
            var since = _changed ? _changeAt : 0;
            if (_changed)
            {
                _resettleSeconds = entered - since;
            }
            else
            {
                _settleSeconds = entered - since;
            }

            t0 = entered;
            temperature0 = At(entered - _time, _temperature, equilibrium);
        }

        if (_settled)
        {
            // T is monotonic within a segment: its extremes are at the ends.
            _settledTime += to - t0;
            _settledOutside += Beyond(t0, temperature0, to, temperature1, equilibrium, low, high);
            _maxOver = Math.Max(_maxOver, Math.Max(temperature0, temperature1) - high);
            _maxUnder = Math.Max(_maxUnder, low - Math.Min(temperature0, temperature1));
        }

        (_time, _temperature) = (to, temperature1);
    }

    private double At(double elapsed, double from, double equilibrium) => _physics.Toward(equilibrium, from, elapsed);

    /// <summary>Time after <paramref name="t0"/> at which T, heading for <paramref name="equilibrium"/>, reaches <paramref name="level"/>.</summary>
    private double Crossing(double t0, double from, double equilibrium, double level) =>
        t0 + _physics.SecondsToReach(equilibrium, from, level);

    /// <summary>Time spent above <paramref name="high"/> or below <paramref name="low"/> in a monotonic segment.</summary>
    private double Beyond(double t0, double from, double t1, double to, double equilibrium, double low, double high)
    {
        var beyond = 0.0;
        if (from > high || to > high)
        {
            beyond += from > high && to > high ? t1 - t0
                : from > high ? Math.Clamp(Crossing(t0, from, equilibrium, high), t0, t1) - t0
                : t1 - Math.Clamp(Crossing(t0, from, equilibrium, high), t0, t1);
        }

        if (from < low || to < low)
        {
            beyond += from < low && to < low ? t1 - t0
                : from < low ? Math.Clamp(Crossing(t0, from, equilibrium, low), t0, t1) - t0
                : t1 - Math.Clamp(Crossing(t0, from, equilibrium, low), t0, t1);
        }

        return beyond;
    }

    /// <summary>When a monotonic segment is first inside [low, high], or null when it never is.</summary>
    private double? Entry(double t0, double from, double t1, double to, double equilibrium, double low, double high) =>
        from >= low && from <= high ? t0
        : from > high && to <= high ? Math.Clamp(Crossing(t0, from, equilibrium, high), t0, t1)
        : from < low && to >= low ? Math.Clamp(Crossing(t0, from, equilibrium, low), t0, t1)
        : null;

    private double Noise()
    {
        if (NoiseSigma == 0)
        {
            return 0;
        }

        if (NoiseKind == NoiseKind.Uniform)
        {
            return (_noise.NextDouble() * 2 - 1) * Math.Sqrt(3) * NoiseSigma;
        }

        // Box–Muller: two draws per reading, so every variant sees the same noise sequence.
        var u1 = 1 - _noise.NextDouble();
        var u2 = _noise.NextDouble();
        return NoiseSigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
