using System.Text.Json;
using System.Text.Json.Serialization;
using HeaterOrleans.Bench;
using HeaterOrleans.Tools;
using Spectre.Console;

// dotnet run -c Release --project bench/Bench [-- --help | --Sustained --Rate=5000 --Seconds=60 | ...]
if (args is [ProduceCommand.Name, .. var produceArgs])
{
    return ProduceCommand.Run(produceArgs);
}

if (CommandLineOptions.WantsHelp(args))
{
    Console.Write(OptionsHelp.Text());
    return 0;
}

BenchOptions options;
try
{
    options = OptionsParser.Parse(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

BenchReport report = null!;
await AnsiConsole.Status().StartAsync("starting", async status =>
{
    report = await new BenchRun(options, step =>
    {
        status.Status(step);
        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {step}");
    }, string.Join(' ', ["HeaterOrleans.Bench", .. args])).RunAsync();
});

AnsiConsole.Write(ReportTable.Render(report));
await File.WriteAllTextAsync(Path.Combine(options.Output, "bench-results.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN for a percentile of no samples
}));
await File.WriteAllTextAsync(Path.Combine(options.Output, "bench-results.md"), ReportTable.Markdown(report));
AnsiConsole.MarkupLineInterpolated($"written to [bold]{Path.GetFullPath(options.Output)}[/]");
return 0;
