namespace HeaterOrleans.Silo.Simulator;

/// <summary>The built-in heater simulator (<c>Simulator:*</c>).</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Unset: on with the embedded broker, off with a real one.</summary>
    public bool? Enabled { get; set; }

    public int Heaters { get; set; } = 10;

    /// <summary>Sensor ID of the first heater; the others follow.</summary>
    public int FirstSensorId { get; set; } = 1;

    /// <summary>Real time between two readings of each heater.</summary>
    public TimeSpan ReadingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Room time that passes per reading (time compression, so the loop is seen switching): 5 s moves a room by at
    /// most about 0.08 °C per reading, so a heater is seen switching at the edges of its band, every few seconds.
    /// </summary>
    public TimeSpan SimulatedTimePerReading { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A live view of the heaters and the service's rates, refreshed in place, instead of log lines. Unset: when
    /// standard output is a terminal (not in containers or CI, where output is redirected).
    /// </summary>
    public bool? LiveConsole { get; set; }

    /// <summary>How often the log shows rates and a few heaters (without the live view).</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);
}
