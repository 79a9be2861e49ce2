using HeaterOrleans.Bench;

namespace HeaterOrleans.IntegrationTests;

/// <summary>Keeps the benchmark runnable: every stage on a tiny workload, every figure produced.</summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Every_stage_runs_and_reports_a_figure()
    {
        var options = new BenchOptions
        {
            Readings = 3_000, Sensors = 100, Partitions = 4, Rate = 200, LatencySeconds = 1, SettingSamples = 3,
            MemorySensors = "1000", Output = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}"),
        };

        var report = await new BenchRun(options, _ => { }).RunAsync();

        Assert.True(report.BaselineMessagesPerSecond > 0);
        Assert.True(report.ServiceMessagesPerSecond > 0);
        Assert.True(report.LatencySamples >= 150, $"only {report.LatencySamples} latency samples");
        Assert.True(report.LatencyP99Ms > 0);
        Assert.True(report.SettingToEffectP50Ms > 0);
        var memory = Assert.Single(report.Memory);
        Assert.True(memory.ActiveSensors >= 1_000);
        Assert.Contains("service / baseline", ReportTable.Markdown(report), StringComparison.Ordinal);
    }
}
