using HeaterOrleans.Simulation;
using HeaterOrleans.Tools;
using Spectre.Console;

// dotnet run -c Release --project tools/Simulation [-- --help | --Heaters=1000 --Duration=00:30:00 --Lockstep ...]
// Exit codes: 0 = the loop worked (figures are meaningful), 1 = the loop failed, 2 = bad options.
if (CommandLineOptions.Read(
    args,
    "dotnet run -c Release --project tools/Simulation -- [--Name=value ...]",
    """
    Control quality: simulated rooms in a closed loop through the service (embedded broker, in-memory state), one
    variant per added control delay; reports how well each holds its band, with plots. --Lockstep makes simulated time
    wait for the service, so the outcome depends on neither the machine's speed nor its load.
    """,
    [
        "dotnet run -c Release --project tools/Simulation",
        "dotnet run -c Release --project tools/Simulation -- --Heaters=200 --Duration=00:10:00 --Lockstep",
        "dotnet run -c Release --project tools/Simulation -- --Heaters=1000 --Duration=00:30:00 --Compression=20 --Delays=0,1,5",
    ],
    out SimulationOptions options) is { } exit)
{
    return exit;
}

if (options.Validate() is { Count: > 0 } errors)
{
    foreach (var error in errors)
    {
        await Console.Error.WriteLineAsync($"Bad option: {error}");
    }

    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

SimulationReport report;
try
{
    report = await SimulationRun.RunAsync(options, line => AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {line}"), cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Cancelled.");
    return 2;
}

AnsiConsole.Write(ReportTable.Render(report));
foreach (var warning in report.Warnings)
{
    AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
}

foreach (var failure in report.Failures)
{
    AnsiConsole.MarkupLineInterpolated($"[red]FAILED:[/] {failure}");
}

foreach (var file in report.Files)
{
    AnsiConsole.MarkupLineInterpolated($"written [bold]{Path.GetFullPath(file)}[/]");
}

return report.Passed ? 0 : 1;
