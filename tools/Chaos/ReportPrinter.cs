using System.Globalization;
using Spectre.Console;

namespace HeaterOrleans.Chaos;

/// <summary>The report as console tables.</summary>
public static class ReportPrinter
{
    public static void Print(ChaosReport report, IAnsiConsole console)
    {
        var figures = new Table().Title("Chaos run").AddColumn("what").AddColumn(new TableColumn("figure").RightAligned());
        Add(figures, "sensors", N(report.Sensors));
        Add(figures, "readings", N(report.Readings));
        Add(figures, "settings", N(report.Settings));
        Add(figures, "caught up", report.CaughtUp ? "yes" : "[red]NO[/]");
        Add(figures, "expected commands", N(report.Output.ExpectedCommands));
        Add(figures, "commands seen", N(report.Output.CommandsSeen));
        Add(figures, "lost", report.Output.Lost == 0 ? "0" : $"[red]{N(report.Output.Lost)} ({report.Output.LostSensors.Count}+ sensors)[/]");
        Add(figures, "exact repeats (same sequence)", N(report.Output.Repeats));
        Add(figures, "spurious", N(report.Output.Spurious));
        Add(figures, "malformed commands", Bad(report.Output.MalformedCommands));
        Add(figures, "garbage sent", N(report.GarbageSent));
        Add(figures, "dead-lettered", $"{N(report.Output.DeadLettered)} (repeats {N(report.Output.DeadLetterRepeats)})");
        Add(figures, "garbage missing from DLQ", Bad(report.Output.GarbageMissing.Count));
        Add(figures, "valid records dead-lettered", Bad(report.Output.UnexpectedDeadLetters.Count));
        Add(figures, "total time", $"{report.TotalSeconds:F1} s");
        Add(figures, "processing time", $"{report.ProcessingSeconds:F1} s");
        Add(figures, "throughput", $"{N((int)report.RecordsPerSecond)} records/s");
        Add(figures, "verdict", report.Passed ? "[green]PASSED[/]" : "[red]FAILED[/]");
        console.Write(figures);

        var faults = new Table().Title("Faults").AddColumn("kind").AddColumn("at (s)").AddColumn("duration (s)").AddColumn("recovery (s)").AddColumn("detail");
        foreach (var f in report.Faults)
        {
            faults.AddRow(
                f.Kind, F(f.AtSeconds), F(f.DurationSeconds), f.RecoverySeconds is { } r ? F(r) : "[red]none[/]", Markup.Escape(f.Detail));
        }

        console.Write(faults);
        if (report.Note is { } note)
        {
            console.MarkupLine($"[red]{Markup.Escape(note)}[/]");
        }

        foreach (var lost in report.Output.LostSensors)
        {
            console.MarkupLine(Markup.Escape($"lost: sensor {lost.SensorId} ({lost.Note}): expected {lost.Expected}, seen {lost.Seen}"));
        }

        foreach (var g in report.Output.GarbageMissing.Take(20))
        {
            console.MarkupLine(Markup.Escape($"not dead-lettered: {g.Topic}[{g.Partition}]@{g.Offset} ({g.Kind})"));
        }

        foreach (var d in report.Output.UnexpectedDeadLetters.Take(20))
        {
            console.MarkupLine(Markup.Escape($"valid record dead-lettered: {d.Topic}[{d.Partition}]@{d.Offset}: {d.Reason}"));
        }

        console.MarkupLine(Markup.Escape($"report: {Path.GetFullPath(report.Options.Report)}; process logs: {report.RunFolder}"));
    }

    private static void Add(Table table, string what, string figure) => table.AddRow(what, figure);

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    private static string Bad(int count) => count == 0 ? "0" : $"[red]{N(count)}[/]";
}
