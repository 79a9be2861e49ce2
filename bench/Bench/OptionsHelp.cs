using HeaterOrleans.Tools;

namespace HeaterOrleans.Bench;

/// <summary>The <c>--help</c> text, from <see cref="BenchOptions"/>' own descriptions and defaults so it cannot drift.</summary>
public static class OptionsHelp
{
    public static string Text() => CommandLineOptions.Help<BenchOptions>(
        "dotnet run -c Release --project bench/Bench -- [--Name=value ...]",
        """
        A full run: the one-hop floor, then throughput (baseline, service, service-pg, peer on the same pre-produced records,
        each on fresh topics), readings through silo processes (1, then --Silos with placement by partition and with
        Orleans' placement), the latency at --Rate for --Seconds (offered by a separate producer process), setting-to-effect
        and memory (service only), then service-pg through a stop of its PostgreSQL server (--Outage). --Sustained runs only
        the latency and the outage. The embedded broker runs as a child process (HeaterOrleans.Silo kafka-only) so that this
        process's CPU time is the measured variant's own. service-pg is the service with its sensor state in PostgreSQL:
        --PostgreSql, else a throwaway server started by the bench (the only one the outage stops).
        """,
        [
            "dotnet run -c Release --project bench/Bench",
            "dotnet run -c Release --project bench/Bench -- --Sustained --Rate=5000 --Seconds=60",
            "dotnet run -c Release --project bench/Bench -- --Readings=50000 --MemorySensors=1000 --LatencySeconds=5",
            "dotnet run -c Release --project bench/Bench -- --Sustained --Seconds=10 --PostgreSql='Host=db;Username=bench;Database=bench'",
            "dotnet run -c Release --project bench/Bench -- --PostgreSql=none",
            "dotnet run -c Release --project bench/Bench -- --Sustained --Seconds=10 --Variants=service-pg --Outage=10",
            "dotnet run -c Release --project bench/Bench -- --Variants=silos --Silos=3 --Floor=false",
        ]);
}
