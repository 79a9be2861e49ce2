using HeaterOrleans.Simulation;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

// dotnet run -c Release --project tools/Simulation [-- --Heaters=1000 --Duration=00:30:00 --Compression=20 --Delays=0,1 ...]
// --Lockstep=true: simulated time waits for the service, so the outcome does not depend on the machine's speed.
// Exit codes: 0 = the loop worked (figures are meaningful), 1 = the loop failed, 2 = bad options.
SimulationOptions options;
try
{
    options = new ConfigurationBuilder().AddCommandLine(args).Build().Get<SimulationOptions>(o => o.ErrorOnUnknownConfiguration = true)
        ?? new SimulationOptions();
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"Bad option: {e.Message}{(e.InnerException is { } inner ? $" {inner.Message}" : "")}");
    return 2;
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
