namespace HeaterOrleans.Bench;

/// <summary>What one benchmark run measured.</summary>
public sealed class BenchReport
{
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";

    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    public int Readings { get; set; }

    public int Sensors { get; set; }

    public double FlipShare { get; set; }

    public double BaselineMessagesPerSecond { get; set; }

    public double ServiceMessagesPerSecond { get; set; }

    public double ServiceToBaseline => BaselineMessagesPerSecond > 0 ? ServiceMessagesPerSecond / BaselineMessagesPerSecond : 0;

    public int LatencyRate { get; set; }

    public int LatencySamples { get; set; }

    public double LatencyP50Ms { get; set; }

    public double LatencyP99Ms { get; set; }

    public double LatencyP999Ms { get; set; }

    public double SettingToEffectP50Ms { get; set; }

    public double SettingToEffectP99Ms { get; set; }

    public List<MemoryPoint> Memory { get; } = [];
}
