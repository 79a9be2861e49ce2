using System.ComponentModel;
using System.Globalization;

namespace HeaterOrleans.Simulation;

/// <summary>One simulation run; from the command line as <c>--Name=value</c>. Times are simulated time.</summary>
public sealed class SimulationOptions
{
    /// <summary>Heaters per variant; every variant gets the same rooms under its own block of sensor IDs.</summary>
    [Description("Heaters per variant; every variant gets the same rooms under its own block of sensor IDs.")]
    public int Heaters { get; set; } = 1_000;

    /// <summary>Simulated length of the run.</summary>
    [Description("Simulated length of the run.")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Simulated seconds per real second. The service's own delay is scaled by it too, and the offered load is
    /// heaters × variants × compression readings per second: the default 20,000/s leaves the service (and this
    /// process's own rooms) headroom on 2 cores; at 40,000/s its lag reached a second now and then.
    /// Not used in <see cref="Lockstep"/> mode, which has no real-time pace.
    /// </summary>
    [Description("Simulated seconds per real second.")]
    public double Compression { get; set; } = 10;

    /// <summary>
    /// Simulated time waits for the service: one simulated second (one reading per room) per step, and the next
    /// step only once the service has acknowledged every record of this one and every command it sent has reached
    /// its room. The service then takes no simulated time (its realized delay is 0), only the added delays count,
    /// and the outcome depends on neither the machine's speed nor its load.
    /// </summary>
    [Description("Simulated time waits for the service: one simulated second (one reading per room) per step, and the next step only once the service has acknowledged every record of this one and every command it sent has reached its room")]
    public bool Lockstep { get; set; }

    /// <summary>Lockstep only: real time the service may take to answer one step before the run fails (a liveness guard, not a pace).</summary>
    [Description("Lockstep only: real time the service may take to answer one step before the run fails (a liveness guard, not a pace).")]
    public TimeSpan LockstepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Added control delays, simulated seconds, comma-separated: one variant each. A command takes effect this long
    /// after it arrived; in lockstep, after its reading, so there it is the whole delay of the loop.
    /// </summary>
    [Description("Added control delays, simulated seconds, comma-separated: one variant each. A command takes effect this long after it arrived; in lockstep, after its reading, so there it is the whole delay of the loop.")]
    public string Delays { get; set; } = "0,1";

    [Description("Seed of the rooms, the noise and the setting changes.")]
    public int Seed { get; set; } = 42;

    /// <summary>Folder for the report, the per-heater CSV and the plots.</summary>
    [Description("Folder for the report, the per-heater CSV and the plots.")]
    public string Output { get; set; } = "simulation-results";

    /// <summary>Standard deviation of the sensor noise, °C.</summary>
    [Description("Standard deviation of the sensor noise, °C.")]
    public double Noise { get; set; } = 0.05;

    [Description("Gaussian or Uniform sensor noise.")]
    public NoiseKind NoiseKind { get; set; } = NoiseKind.Gaussian;

    /// <summary>When the setting of some heaters changes; unset = half-way.</summary>
    [Description("When the setting of some heaters changes; unset = half-way.")]
    public TimeSpan? SettingChangeAt { get; set; }

    /// <summary>Share of heaters whose desired temperature changes then (0 = no change).</summary>
    [Description("Share of heaters whose desired temperature changes then (0 = no change).")]
    public double SettingChangeShare { get; set; } = 0.3;

    /// <summary>Size of that change, °C, up or down at random.</summary>
    [Description("Size of that change, °C, up or down at random.")]
    public double SettingChangeBy { get; set; } = 2;

    [Description("Every heater's upDelta, °C (On below desired - upDelta).")]
    public double UpDelta { get; set; } = 0.5;

    [Description("Every heater's downDelta, °C (Off above desired + downDelta).")]
    public double DownDelta { get; set; } = 0.5;

    /// <summary>Room time constant range, simulated seconds (heat loss to outside).</summary>
    [Description("Room time constant range, simulated seconds (heat loss to outside).")]
    public double TauMin { get; set; } = 900;

    [Description("Upper end of the room time constant range, simulated seconds.")]
    public double TauMax { get; set; } = 1500;

    /// <summary>Outside temperature range, °C.</summary>
    [Description("Outside temperature range, °C.")]
    public double OutsideMin { get; set; } = 0;

    [Description("Upper end of the outside temperature range, °C.")]
    public double OutsideMax { get; set; } = 10;

    /// <summary>Where a room would settle with its heater always on, above its first desired temperature, °C.</summary>
    [Description("Where a room would settle with its heater always on, above its first desired temperature, °C.")]
    public double HeaterRiseMin { get; set; } = 8;

    [Description("Upper end of the heater rise range, °C.")]
    public double HeaterRiseMax { get; set; } = 12;

    /// <summary>Heaters drawn per variant (the first ones, and one whose setting changes).</summary>
    [Description("Heaters drawn per variant (the first ones, and one whose setting changes).")]
    public int PlotHeaters { get; set; } = 3;

    /// <summary>
    /// Partitions per topic of the embedded broker. More than the service's default: the mock broker scans a
    /// partition's whole in-memory log per fetch, so shorter logs per partition keep its delay out of the figures.
    /// </summary>
    [Description("Partitions per topic of the embedded broker. More than the service's default: the mock broker scans a partition's whole in-memory log per fetch, so shorter logs per partition keep its delay out of the figures.")]
    public int Partitions { get; set; } = 32;

    /// <summary>Run the service with its stale-sensor failsafe, as in production (<c>Failsafe:Enabled</c>).</summary>
    [Description("Run the service with its stale-sensor failsafe, as in production (Failsafe:Enabled).")]
    public bool Failsafe { get; set; } = true;

    /// <summary>Real time between progress lines.</summary>
    [Description("Real time between progress lines.")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan EffectiveSettingChangeAt => SettingChangeAt ?? Duration / 2;

    /// <summary>The added delays in seconds; valid only when <see cref="Validate"/> found nothing.</summary>
    public IReadOnlyList<double> DelaySeconds =>
        [.. Delays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => double.Parse(d, NumberStyles.Float, CultureInfo.InvariantCulture))];

    /// <summary>Every problem with the options, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(Heaters is >= 1 and <= 100_000, $"Heaters must be between 1 and 100000 (was {Heaters}).");
        Check(Duration >= TimeSpan.FromMinutes(1) && Duration <= TimeSpan.FromDays(2),
            $"Duration must be between 00:01:00 and 2.00:00:00 of simulated time, written hh:mm:ss (was {Duration}; a bare number means days).");
        Check(double.IsFinite(Compression) && Compression is >= 0.1 and <= 1000, $"Compression must be between 0.1 and 1000 (was {Compression}).");
        var delays = Delays.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = delays.Select(d => double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v is >= 0 and <= 3600 ? v : (double?)null).ToList();
        Check(delays.Length is >= 1 and <= 10 && parsed.All(v => v is not null) && parsed.Distinct().Count() == parsed.Count,
            $"Delays must be 1 to 10 distinct numbers of simulated seconds between 0 and 3600, comma-separated (was '{Delays}').");
        Check(!string.IsNullOrWhiteSpace(Output), "Output must name a folder.");
        Check(double.IsFinite(Noise) && Noise is >= 0 and <= 5, $"Noise must be between 0 and 5 °C (was {Noise}).");
        Check(Enum.IsDefined(NoiseKind), $"NoiseKind must be Gaussian or Uniform (was {NoiseKind}).");
        Check(EffectiveSettingChangeAt > TimeSpan.Zero && EffectiveSettingChangeAt < Duration,
            $"SettingChangeAt must lie inside the run, between 0 and Duration (was {EffectiveSettingChangeAt}).");
        Check(SettingChangeShare is >= 0 and <= 1, $"SettingChangeShare must be between 0 and 1 (was {SettingChangeShare}).");
        Check(double.IsFinite(SettingChangeBy) && SettingChangeBy is >= 0 and <= 20, $"SettingChangeBy must be between 0 and 20 °C (was {SettingChangeBy}).");
        Check(double.IsFinite(UpDelta) && UpDelta is > 0 and <= 10, $"UpDelta must be > 0 and <= 10 °C (was {UpDelta}).");
        Check(double.IsFinite(DownDelta) && DownDelta is > 0 and <= 10, $"DownDelta must be > 0 and <= 10 °C (was {DownDelta}).");
        Check(TauMin is >= 10 && TauMax >= TauMin && TauMax <= 1e6, $"TauMin and TauMax must satisfy 10 <= TauMin <= TauMax <= 1000000 s (were {TauMin}, {TauMax}).");
        Check(double.IsFinite(OutsideMin) && double.IsFinite(OutsideMax) && OutsideMax >= OutsideMin && OutsideMax < 19 - SettingChangeBy - DownDelta,
            $"OutsideMin <= OutsideMax, and OutsideMax below every desired temperature minus its DownDelta, so that a room cools without its heater (were {OutsideMin}, {OutsideMax}).");
        Check(HeaterRiseMin > UpDelta + SettingChangeBy && HeaterRiseMax >= HeaterRiseMin && HeaterRiseMax <= 100,
            $"HeaterRiseMin must exceed UpDelta + SettingChangeBy, so that a heated room passes its band even after a raise, and HeaterRiseMax >= HeaterRiseMin (were {HeaterRiseMin}, {HeaterRiseMax}).");
        Check(PlotHeaters is >= 0 and <= 10 && PlotHeaters <= Heaters, $"PlotHeaters must be between 0 and min(10, Heaters) (was {PlotHeaters}).");
        Check(Partitions is >= 1 and <= 1000, $"Partitions must be between 1 and 1000 (was {Partitions}).");
        Check(ProgressInterval >= TimeSpan.FromSeconds(1), $"ProgressInterval must be at least 00:00:01 (was {ProgressInterval}).");
        Check(LockstepTimeout >= TimeSpan.FromSeconds(1) && LockstepTimeout <= TimeSpan.FromHours(1),
            $"LockstepTimeout must be between 00:00:01 and 01:00:00 of real time (was {LockstepTimeout}).");
        return errors;
    }
}
