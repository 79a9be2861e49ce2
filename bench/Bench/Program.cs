using System.Text.Json;
using HeaterOrleans.Bench;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

// dotnet run -c Release --project bench/Bench [-- --Readings=1000000 --Sensors=10000 --Rate=5000 ...]
var options = new ConfigurationBuilder().AddCommandLine(args).Build().Get<BenchOptions>() ?? new BenchOptions();
BenchReport report = null!;
await AnsiConsole.Status().StartAsync("starting", async status =>
{
    report = await new BenchRun(options, step =>
    {
        status.Status(step);
        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {step}");
    }).RunAsync();
});

AnsiConsole.Write(ReportTable.Render(report));
Directory.CreateDirectory(options.Output);
await File.WriteAllTextAsync(Path.Combine(options.Output, "bench-results.json"),
    JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(Path.Combine(options.Output, "bench-results.md"), ReportTable.Markdown(report));
AnsiConsole.MarkupLineInterpolated($"written to [bold]{Path.GetFullPath(options.Output)}[/]");
