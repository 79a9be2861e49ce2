using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// The live console of the default run: the simulated heaters (temperature against their band, the heater's state,
/// how long since it last switched, a trend), the service's rates, and how to talk to it.
/// </summary>
internal static class SimulatorView
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static IRenderable Render(
        IReadOnlyCollection<SimulatedHeater> heaters, ServiceRates rates, string broker, string http, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("sensor").AddColumn(new TableColumn("room").RightAligned()).AddColumn("band").AddColumn("heater")
            .AddColumn(new TableColumn("switched").RightAligned()).AddColumn("trend (last readings)");
        foreach (var heater in heaters)
        {
            var setting = heater.Setting;
            var (low, high) = (setting.Desired - setting.DownDelta, setting.Desired + setting.UpDelta);
            var colour = heater.Temperature > high ? "red" : heater.Temperature < low ? "deepskyblue1" : "green";
            table.AddRow(
                new Text(heater.SensorId.ToString(CultureInfo.InvariantCulture)),
                new Markup(Invariant($"[{colour}]{heater.Temperature:F2} °C[/]")),
                new Text(Invariant($"{low:F1} – {high:F1}")),
                new Markup(heater.IsOn ? "[bold orange1]ON[/]" : "[grey]off[/]"),
                new Text(heater.LastSwitch is { } at ? Invariant($"{(now - at).TotalSeconds:F0} s ago") : "–"),
                new Text(Sparkline(heater.Trend(), low - 0.5, high + 0.5)));
        }

        var host = http.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)
            .Replace("*", "localhost", StringComparison.Ordinal).TrimEnd('/');
        return new Rows(
            new Markup(Invariant($"[bold]HeaterOrleans[/]: {heaters.Count} simulated heaters, embedded Kafka at [bold]{Markup.Escape(broker)}[/], HTTP at [bold]{Markup.Escape(host)}[/]. Ctrl+C stops (in-flight records drain first).")),
            table,
            new Markup(Invariant($"[bold]{rates.Readings:F1}[/] readings/s   [bold]{rates.Settings:F1}[/] settings/s   [bold]{rates.Commands:F1}[/] commands/s   dead-lettered: [bold]{rates.DeadLettered}[/]")),
            new Text(""),
            new Markup("[grey]Change a setting (the heater follows within a few readings):[/]"),
            new Text($"  curl -X PUT {host}/sensors/1/setting -H 'Content-Type: application/json' -d '{{\"desired\":23,\"upDelta\":0.5,\"downDelta\":0.5}}'"),
            new Markup("[grey]What sensor 1's grain knows, and the metrics:[/]"),
            new Text($"  curl {host}/sensors/1      curl {host}/metrics"));
    }

    /// <summary>One bar per value, scaled between <paramref name="low"/> and <paramref name="high"/>.</summary>
    public static string Sparkline(IReadOnlyList<double> values, double low, double high)
    {
        var line = new StringBuilder(values.Count);
        foreach (var value in values)
        {
            var share = Math.Clamp((value - low) / (high - low), 0, 1);
            line.Append(Bars[(int)Math.Round(share * (Bars.Length - 1))]);
        }

        return line.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
