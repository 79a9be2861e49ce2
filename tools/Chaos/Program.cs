using System.CommandLine;
using HeaterOrleans.Chaos;
using Spectre.Console;

// Exit codes: 0 = nothing lost and all garbage dead-lettered, 1 = the service failed the check, 2 = harness error.
var defaults = new ChaosOptions();
var sensors = new Option<int>("--sensors") { Description = "Sensors in the workload", DefaultValueFactory = _ => defaults.Sensors };
var readings = new Option<int>("--readings") { Description = "Readings in all (rounds of one per sensor)", DefaultValueFactory = _ => defaults.Readings };
var kills = new Option<int>("--kills") { Description = "Silos killed with SIGKILL", DefaultValueFactory = _ => defaults.Kills };
var partitions = new Option<int>("--partitions") { Description = "Partitions per topic", DefaultValueFactory = _ => defaults.Partitions };
var garbage = new Option<double>("--garbage-percent") { Description = "Garbage records, % of all", DefaultValueFactory = _ => defaults.GarbagePercent };
var seed = new Option<int>("--seed") { Description = "Seed of the workload and of the faults", DefaultValueFactory = _ => defaults.Seed };
var report = new Option<string>("--report") { Description = "JSON report file", DefaultValueFactory = _ => defaults.Report };
var timeout = new Option<TimeSpan>("--timeout") { Description = "Longest run until the service has caught up", DefaultValueFactory = _ => defaults.Timeout };
var brokerDown = new Option<TimeSpan>("--broker-down") { Description = "Broker outage (0 = none)", DefaultValueFactory = _ => defaults.BrokerDown };
var postgresDown = new Option<TimeSpan>("--postgres-down") { Description = "PostgreSQL outage (0 = none)", DefaultValueFactory = _ => defaults.PostgresDown };
var rebalance = new Option<TimeSpan>("--rebalance-in-outage")
{
    Description = "PostgreSQL kept down this long after a silo stopped during its outage handed its partitions over (0 = no such fault)",
    DefaultValueFactory = _ => defaults.RebalanceInOutage,
};
var restartAfter = new Option<TimeSpan>("--restart-after") { Description = "Delay before a killed silo is replaced", DefaultValueFactory = _ => defaults.RestartAfter };
var rate = new Option<int>("--rate") { Description = "Readings per second at most (0 = no limit but --max-lag)", DefaultValueFactory = _ => defaults.Rate };
var maxLag = new Option<int>("--max-lag") { Description = "Readings the service may be behind before production waits", DefaultValueFactory = _ => defaults.MaxLag };
var runs = new Option<string>("--runs-folder") { Description = "Where run folders (process logs) go", DefaultValueFactory = _ => defaults.RunsFolder };
var siloArgs = new Option<string[]>("--silo-arg") { Description = "Extra --Key=value for every silo (repeatable)", AllowMultipleArgumentsPerToken = false };

var command = new RootCommand("Chaos run of HeaterOrleans: two silo processes on PostgreSQL and a broker process, killed and cut off while a seeded workload runs; checks nothing is lost.")
{
    sensors, readings, kills, partitions, garbage, seed, report, timeout, brokerDown, postgresDown, rebalance, restartAfter, rate, maxLag, runs, siloArgs,
};
command.SetAction(async (parsed, cancellationToken) =>
{
    var options = new ChaosOptions
    {
        Sensors = parsed.GetValue(sensors),
        Readings = parsed.GetValue(readings),
        Kills = parsed.GetValue(kills),
        Partitions = parsed.GetValue(partitions),
        GarbagePercent = parsed.GetValue(garbage),
        Seed = parsed.GetValue(seed),
        Report = parsed.GetValue(report)!,
        Timeout = parsed.GetValue(timeout),
        BrokerDown = parsed.GetValue(brokerDown),
        PostgresDown = parsed.GetValue(postgresDown),
        RebalanceInOutage = parsed.GetValue(rebalance),
        RestartAfter = parsed.GetValue(restartAfter),
        Rate = parsed.GetValue(rate),
        MaxLag = parsed.GetValue(maxLag),
        RunsFolder = parsed.GetValue(runs)!,
        SiloArgs = parsed.GetValue(siloArgs) ?? [],
    };
    if (options.Validate() is { } invalid)
    {
        await Console.Error.WriteLineAsync(invalid);
        return 2;
    }

    try
    {
        var result = await ChaosRun.RunAsync(options, Console.Out, cancellationToken);
        ReportPrinter.Print(result, AnsiConsole.Console);
        return result.Passed ? 0 : 1;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("Interrupted; everything started was stopped.");
        return 2;
    }
    catch (Exception e)
    {
        await Console.Error.WriteLineAsync($"Harness error: {e}");
        return 2;
    }
});

// Ctrl+C and SIGTERM cancel the run; the clean-up (kill silos, stop broker and PostgreSQL) needs some seconds.
return await command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
