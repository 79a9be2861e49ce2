using System.Globalization;
using System.Text;
using Spectre.Console;

namespace HeaterOrleans.Bench;

/// <summary>The report as a console table and as Markdown (for the README).</summary>
public static class ReportTable
{
    public static Table Render(BenchReport report)
    {
        var table = new Table().AddColumns("measure", "figure", "target");
        foreach (var (measure, figure, target) in Rows(report))
        {
            table.AddRow(Markup.Escape(measure), Markup.Escape(figure), Markup.Escape(target));
        }

        return table;
    }

    public static string Markdown(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {report.Machine}; run {report.At:yyyy-MM-dd HH:mm} UTC; {report.Readings:N0} readings over {report.Sensors:N0} sensors ({report.FlipShare:P0} outside their band).");
        text.AppendLine();
        text.AppendLine("| measure | figure | target |");
        text.AppendLine("| --- | --- | --- |");
        foreach (var (measure, figure, target) in Rows(report))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {figure} | {target} |");
        }

        return text.ToString();
    }

    private static IEnumerable<(string Measure, string Figure, string Target)> Rows(BenchReport r)
    {
        var c = CultureInfo.InvariantCulture;
        yield return ("baseline: bare Confluent loop", string.Create(c, $"{r.BaselineMessagesPerSecond:N0} msg/s"), "");
        yield return ("service: ingress → grain → egress", string.Create(c, $"{r.ServiceMessagesPerSecond:N0} msg/s"), "");
        yield return ("service / baseline", string.Create(c, $"{r.ServiceToBaseline:P0}"), "≥ 60%");
        yield return (string.Create(c, $"reading → command latency at {r.LatencyRate:N0}/s, p50 / p99 / p99.9"),
            string.Create(c, $"{r.LatencyP50Ms:F1} / {r.LatencyP99Ms:F1} / {r.LatencyP999Ms:F1} ms ({r.LatencySamples:N0} samples)"), "p99 ≤ 20 ms");
        yield return ("setting → first command, p50 / p99", string.Create(c, $"{r.SettingToEffectP50Ms:F1} / {r.SettingToEffectP99Ms:F1} ms"), "");
        foreach (var m in r.Memory)
        {
            yield return (string.Create(c, $"memory with {m.ActiveSensors:N0} active sensors"),
                string.Create(c, $"heap {m.ManagedBytes / 1048576.0:N0} MiB, RSS {m.RssBytes / 1048576.0:N0} MiB; {m.ManagedBytesPerSensor:N0} / {m.RssBytesPerSensor:N0} B per sensor"),
                m.ActiveSensors >= 1_000_000 ? "≤ 4 GiB" : "");
        }
    }
}
