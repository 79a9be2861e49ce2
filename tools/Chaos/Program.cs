using System.Runtime.InteropServices;
using HeaterOrleans.Chaos;
using HeaterOrleans.Tools;
using Spectre.Console;

// dotnet run -c Release --project tools/Chaos [-- --help | --Sensors=300 --Readings=9000 ...]
// Exit codes: 0 = nothing lost and all garbage dead-lettered, 1 = the service failed the check, 2 = harness error or bad options.
if (CommandLineOptions.Read(
    args,
    "dotnet run -c Release --project tools/Chaos -- [--Name=value ...]",
    """
    Chaos run of HeaterOrleans: a broker process, a throwaway PostgreSQL server and two silo processes, killed and cut
    off while a seeded workload runs; then every sensor's commands are checked against the reference model (nothing
    lost, nothing spurious, all garbage dead-lettered and nothing valid).
    """,
    [
        "dotnet run -c Release --project tools/Chaos",
        "dotnet run -c Release --project tools/Chaos -- --Sensors=300 --Readings=9000 --Kills=1 --BrokerDown=00:00:03 --PostgresDown=00:00:03 --RebalanceInOutage=00:00:03 --Rate=150",
        "dotnet run -c Release --project tools/Chaos -- --SiloArgs=--Failsafe:StaleAfter=01:00:00 --SiloArgs=--Ingress:MaxInFlight=500",
    ],
    out ChaosOptions options) is { } exit)
{
    return exit;
}

if (options.Validate() is { } invalid)
{
    await Console.Error.WriteLineAsync(invalid);
    return 2;
}

// Ctrl+C and SIGTERM cancel the run; the clean-up (kill silos, stop broker and PostgreSQL) then takes some seconds.
using var cancel = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var result = await ChaosRun.RunAsync(options, Console.Out, cancel.Token);
    ReportPrinter.Print(result, AnsiConsole.Console);
    return result.Passed ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Interrupted; everything started was stopped.");
    return 2;
}
catch (Exception e)
{
    await Console.Error.WriteLineAsync($"Harness error: {e}");
    return 2;
}
