using System.Globalization;
using ScottPlot;
using ScottPlot.Plottables;

namespace HeaterOrleans.Simulation;

/// <summary>
/// The PNGs: a few heaters over time per variant (band, On periods shaded), one heater with all variants
/// overlaid, and the distribution of settled temperature around desired per variant.
/// </summary>
internal static class Plots
{
    private const int Width = 1200;
    private static readonly Color OnShade = Colors.Orange.WithAlpha(0.18);
    private static readonly Color BandShade = Colors.SeaGreen.WithAlpha(0.15);
    private static readonly Color[] VariantColors = [Colors.Blue, Colors.Red, Colors.Green, Colors.Purple, Colors.Brown, Colors.Teal];

    /// <summary>
    /// Whether Skia finds any font. Without one the PNGs are drawn with no text at all (no error), so the run
    /// says so; on Debian <c>fonts-dejavu-core</c> is enough.
    /// </summary>
    public static bool FontsAvailable => SkiaSharp.SKFontManager.Default.FontFamilies.Any(f => f.Length > 0);

    public static IEnumerable<string> Render(SimulationReport report, string folder)
    {
        var files = new List<string>();
        var indices = report.Traces.Keys.Select(k => k.Index).Distinct().Order().ToList();
        if (indices.Count > 0)
        {
            foreach (var variant in report.Variants.Select((v, i) => (v, i)))
            {
                var file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"heaters-delay-{variant.v.AddedDelaySeconds:G}s.png"));
                Heaters(report, variant.i, indices).SavePng(file, Width, 300 * indices.Count);
                files.Add(file);
            }

            // The heater whose setting changes, if one is drawn: the comparison then shows the change too.
            var index = indices.FirstOrDefault(i => report.Heaters.Any(h => h.Index == i && h.ChangedDesired is not null), indices[0]);
            var comparison = Path.Combine(folder, $"comparison-heater-{index + 1}.png");
            Comparison(report, index).SavePng(comparison, Width, 800);
            files.Add(comparison);
        }

        var histogram = Path.Combine(folder, "deviation-histogram.png");
        Histogram(report).SavePng(histogram, Width, 800);
        files.Add(histogram);
        return files;
    }

    private static Multiplot Heaters(SimulationReport report, int variant, IReadOnlyList<int> indices)
    {
        var plots = new List<Plot>();
        var delay = report.Variants[variant].AddedDelaySeconds;
        foreach (var index in indices)
        {
            var plot = new Plot();
            var trace = report.Traces[(variant, index)];
            var heater = report.Heaters.First(h => h.Index == index && h.DelaySeconds == delay);
            var labelled = false;
            foreach (var (from, to) in trace.OnPeriods)
            {
                var span = plot.Add.HorizontalSpan(from / 60, to / 60, OnShade);
                span.LineWidth = 0;
                if (!labelled)
                {
                    // One legend entry for all the shaded periods.
                    span.LegendText = "heater On";
                    labelled = true;
                }
            }

            Band(plot, report, heater);
            var readings = plot.Add.ScatterPoints(Minutes(trace.ReadingTimes), [.. trace.Readings], Colors.Gray.WithAlpha(0.35));
            readings.MarkerSize = 2;
            readings.LegendText = "reading";
            var line = plot.Add.ScatterLine(Minutes(trace.Times), [.. trace.Temperatures], Colors.Blue);
            line.LineWidth = 1.5f;
            line.LegendText = "room temperature";
            plot.Title(string.Create(CultureInfo.InvariantCulture,
                $"sensor {heater.SensorId} (heater {index + 1}), added delay {delay:G} s: tau {heater.Tau:F0} s, outside {heater.Outside:F1} °C, " +
                $"{heater.Switches} switches, {heater.SettledOutsideShare:P1} of settled time outside"), 13);
            plot.XLabel("simulated minutes", 12);
            plot.YLabel("°C", 12);
            plot.Axes.SetLimitsX(0, report.Options.Duration.TotalMinutes);
            // One legend is enough; ScottPlot shows one wherever plottables have legend text.
            plot.Legend.IsVisible = plots.Count == 0;
            plot.Legend.Alignment = Alignment.LowerRight;

            plots.Add(plot);
        }

        return Stack(plots);
    }

    /// <summary>Plots one above the other (a new Multiplot holds an empty plot of its own: start from ours).</summary>
    private static Multiplot Stack(IReadOnlyList<Plot> plots)
    {
        var multiplot = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1))
        {
            multiplot.AddPlot(plot);
        }

        return multiplot;
    }

    private static Multiplot Comparison(SimulationReport report, int index)
    {
        var full = new Plot();
        var zoom = new Plot();
        var reference = report.Heaters.First(h => h.Index == index);
        Band(full, report, reference);
        Band(zoom, report, reference);
        foreach (var (v, i) in report.Variants.Select((v, i) => (v, i)))
        {
            var trace = report.Traces[(i, index)];
            foreach (var plot in new[] { full, zoom })
            {
                var line = plot.Add.ScatterLine(Minutes(trace.Times), [.. trace.Temperatures], VariantColors[i % VariantColors.Length]);
                line.LineWidth = 1.5f;
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"added delay {v.AddedDelaySeconds:G} s");
            }
        }

        full.Title($"heater {index + 1} in every variant (same room, settings and noise)", 14);
        full.XLabel("simulated minutes", 12);
        full.YLabel("°C", 12);
        full.Axes.SetLimitsX(0, report.Options.Duration.TotalMinutes);
        full.ShowLegend(Alignment.LowerRight);

        // The last minutes, settled under the final setting, where only the delay differs.
        var end = report.Options.Duration.TotalMinutes;
        var desired = reference.ChangedDesired ?? reference.Desired;
        zoom.Axes.SetLimits(Math.Max(0, end - 6), end, desired - report.Options.DownDelta - 0.4, desired + report.Options.UpDelta + 0.4);
        zoom.Title("zoom: the last 6 minutes", 14);
        zoom.XLabel("simulated minutes", 12);
        zoom.YLabel("°C", 12);
        zoom.Legend.IsVisible = false;
        return Stack([full, zoom]);
    }

    private static Multiplot Histogram(SimulationReport report)
    {
        var whole = new Plot();
        var tails = new Plot();
        var xs = Enumerable.Range(0, report.Variants[0].DeviationHistogram.Length).Select(DeviationHistogram.Centre).ToArray();
        var tallestTail = 0.0;
        foreach (var (v, i) in report.Variants.Select((v, i) => (v, i)))
        {
            var total = Math.Max(1, v.DeviationHistogram.Sum());
            var shares = v.DeviationHistogram.Select(c => 100.0 * c / total).ToArray();
            tallestTail = Math.Max(tallestTail, xs.Zip(shares).Where(p => p.First > report.Options.UpDelta + 0.03 || p.First < -report.Options.DownDelta - 0.03)
                .Select(p => p.Second).DefaultIfEmpty(0).Max());
            foreach (var plot in new[] { whole, tails })
            {
                var line = plot.Add.ScatterLine(xs, shares, VariantColors[i % VariantColors.Length]);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.LineWidth = 1.5f;
                line.LegendText = string.Create(CultureInfo.InvariantCulture,
                    $"added delay {v.AddedDelaySeconds:G} s: {v.SettledOutsideShare:P2} outside");
            }
        }

        foreach (var plot in new[] { whole, tails })
        {
            plot.Add.VerticalLine(report.Options.UpDelta, 1, Colors.Black, LinePattern.Dashed);
            plot.Add.VerticalLine(-report.Options.DownDelta, 1, Colors.Black, LinePattern.Dashed);
            plot.XLabel("true temperature − desired, °C (dashed: band edges)", 12);
            plot.YLabel(string.Create(CultureInfo.InvariantCulture, $"% of settled time per {DeviationHistogram.BinWidth:G} °C"), 12);
        }

        whole.Title("where the rooms were once settled, all heaters", 14);
        var edge = Math.Min(DeviationHistogram.Limit, Math.Max(report.Options.UpDelta, report.Options.DownDelta) + 0.5);
        whole.Axes.SetLimitsX(-edge, edge);
        whole.ShowLegend(Alignment.UpperRight);
        tails.Title("the same, magnified: time beyond the band edges", 14);
        tails.Axes.SetLimits(-edge, edge, 0, Math.Max(tallestTail * 1.3, 0.01));
        tails.Legend.IsVisible = false;
        return Stack([whole, tails]);
    }

    /// <summary>The band as a shaded area that moves when the setting changes.</summary>
    private static void Band(Plot plot, SimulationReport report, HeaterResult heater)
    {
        var (up, down) = (report.Options.UpDelta, report.Options.DownDelta);
        var end = report.Options.Duration.TotalMinutes;
        var change = report.Options.EffectiveSettingChangeAt.TotalMinutes;
        var after = heater.ChangedDesired ?? heater.Desired;
        double[] xs = [0, change, change, end];
        double[] desired = [heater.Desired, heater.Desired, after, after];
        var band = plot.Add.FillY(xs, [.. desired.Select(d => d - down)], [.. desired.Select(d => d + up)]);
        band.FillColor = BandShade;
        band.LineWidth = 0;
        band.LegendText = "band";
        var centre = plot.Add.ScatterLine(xs, desired, Colors.SeaGreen);
        centre.LinePattern = LinePattern.Dotted;
        centre.LegendText = "desired";
    }

    private static double[] Minutes(List<double> seconds) => [.. seconds.Select(s => s / 60)];
}
