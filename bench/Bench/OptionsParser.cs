using HeaterOrleans.Tools;

namespace HeaterOrleans.Bench;

/// <summary>
/// Reads <see cref="BenchOptions"/> from <c>--Name=value</c> arguments (<see cref="CommandLineOptions"/>, the convention
/// of every tool here) and checks that they fit together.
/// </summary>
public static class OptionsParser
{
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse<BenchOptions>(args);
        var badVariants = options.VariantSet
            .Except([BenchOptions.Baseline, BenchOptions.Service, BenchOptions.ServicePg, BenchOptions.Peer, BenchOptions.SiloProcesses]).ToList();
        if (badVariants.Count > 0)
        {
            throw new ArgumentException($"--Variants: unknown '{string.Join("', '", badVariants)}' (use baseline, service, service-pg, peer, silos).");
        }

        if (options.SkipsPostgreSql && new[] { BenchOptions.ServicePg, BenchOptions.SiloProcesses }.FirstOrDefault(options.Runs) is { } needsPostgreSql)
        {
            throw new ArgumentException($"--Variants asks for {needsPostgreSql}, which --PostgreSql={BenchOptions.NoPostgreSql} skips.");
        }

        if (options.Silos < 0 || options.Silos > options.Partitions)
        {
            throw new ArgumentException($"--Silos must be between 0 and --Partitions ({options.Partitions}): a silo beyond that would consume no readings.");
        }

        if (options.Silos < 2 && options.Runs(BenchOptions.SiloProcesses))
        {
            throw new ArgumentException($"--Variants asks for {BenchOptions.SiloProcesses}, which --Silos={options.Silos} skips.");
        }

        if (options.Rate < 1 || options.Duration < 1 || options.Partitions < 1 || options.Sensors < 1 || options.Readings < 1 || options.LatencySensors < 1)
        {
            throw new ArgumentException("--Rate, --Seconds/--LatencySeconds, --Partitions, --Sensors, --Readings and --LatencySensors must be at least 1.");
        }

        if (options.PostgreSqlMaxConnections is { } max && (max < 5 || options.PostgreSql is not null))
        {
            throw new ArgumentException("--PostgreSqlMaxConnections must be at least 5, and applies only to the bench's own server (no --PostgreSql).");
        }

        if (options.WarmupSeconds < 0 || options.Outage < 0)
        {
            throw new ArgumentException("--WarmupSeconds and --Outage must not be negative.");
        }

        return options;
    }
}
