using System.Globalization;
using Spectre.Console;

namespace HeaterOrleans.Simulation;

/// <summary>The console table: one row per variant, ratios against the variant without added delay.</summary>
public static class ReportTable
{
    public static Table Render(SimulationReport report)
    {
        var table = new Table().AddColumns(
            "added delay", "realized delay p50/p99/max", "outside band, all", "outside band, settled",
            "worst over/under", "mean max over/under", "switches/heater", "settle p50");
        var reference = report.Variants.FirstOrDefault(v => v.AddedDelaySeconds == 0) ?? report.Variants[0];
        foreach (var v in report.Variants)
        {
            var self = ReferenceEquals(v, reference);
            table.AddRow(
                S($"{v.AddedDelaySeconds:G} s"),
                S($"{v.RealizedDelayP50:F2} / {v.RealizedDelayP99:F2} / {v.RealizedDelayMax:F2} s"),
                S($"{v.OutsideShare:P2}") + Ratio(v.OutsideShare, reference.OutsideShare, self),
                S($"{v.SettledOutsideShare:P2}") + Ratio(v.SettledOutsideShare, reference.SettledOutsideShare, self),
                S($"{v.MaxOvershoot:F3} / {v.MaxUndershoot:F3} °C"),
                S($"{v.MeanMaxOvershoot:F3} / {v.MeanMaxUndershoot:F3} °C") + Ratio(v.MeanMaxOvershoot + v.MeanMaxUndershoot, reference.MeanMaxOvershoot + reference.MeanMaxUndershoot, self),
                S($"{v.SwitchesPerHeater:F1} (min {v.FewestSwitches})") + Ratio(v.SwitchesPerHeater, reference.SwitchesPerHeater, self),
                S($"{v.SettleP50Seconds / 60:F1} min"));
        }

        var o = report.Options;
        table.Caption(Markup.Escape(o.Lockstep
            ? string.Create(CultureInfo.InvariantCulture,
                $"{o.Heaters:N0} heaters per variant, {o.Duration} simulated in lockstep in {report.RealSeconds:F0} s real " +
                $"({report.LockstepSteps:N0} steps, p50 {report.StepMillisecondsP50:F1} ms, p99 {report.StepMillisecondsP99:F1} ms, max {report.StepMillisecondsMax:F0} ms real each); " +
                $"band = [desired − {o.DownDelta:G}, desired + {o.UpDelta:G}]; times simulated; in lockstep the service takes no simulated time " +
                $"(realized delay 0), only the added delay counts; (×n) = against {reference.AddedDelaySeconds:G} s")
            : string.Create(CultureInfo.InvariantCulture,
                $"{o.Heaters:N0} heaters per variant, {o.Duration} simulated at ×{o.Compression:G} in {report.RealSeconds:F0} s real; " +
                $"band = [desired − {o.DownDelta:G}, desired + {o.UpDelta:G}]; times simulated; the realized delay (reading taken → command at the heater) " +
                $"is the service's own, ×{o.Compression:G}: p50 {reference.RealizedDelayP50 / o.Compression * 1000:F0} ms real; (×n) = against {reference.AddedDelaySeconds:G} s")));
        return table;
    }

    private static string Ratio(double value, double reference, bool self) =>
        self || reference == 0 || !double.IsFinite(value / reference) ? "" : $" [grey]{S($"(×{value / reference:F2})")}[/]";

    private static string S(FormattableString text) => Markup.Escape(text.ToString(CultureInfo.InvariantCulture));
}
