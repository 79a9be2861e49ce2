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

    /// <summary>Room time that passes per reading (time compression, so the loop is seen switching).</summary>
    public TimeSpan SimulatedTimePerReading { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the console shows rates and a few heaters.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);
}
