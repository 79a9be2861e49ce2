namespace HeaterOrleans.Bench;

/// <summary>Settings of the <c>produce</c> subcommand (the bench passes them; see <see cref="ProducerProcess"/>).</summary>
public sealed class ProduceOptions
{
    public string BootstrapServers { get; set; } = "";

    public string Topic { get; set; } = "";

    public int Rate { get; set; } = 5_000;

    /// <summary>Measured seconds, after <see cref="WarmupSeconds"/> of the same load.</summary>
    public int Seconds { get; set; } = 60;

    public int WarmupSeconds { get; set; }

    /// <summary>Readings go round-robin over this many sensors from <see cref="FirstSensor"/> on.</summary>
    public int Sensors { get; set; } = 500;

    public int FirstSensor { get; set; } = 2_000_000;
}
