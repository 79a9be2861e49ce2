using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace HeaterOrleans.Bench;

/// <summary>The <c>--help</c> text, from <see cref="BenchOptions"/>' own descriptions and defaults so it cannot drift.</summary>
public static class OptionsHelp
{
    public static string Text()
    {
        var defaults = new BenchOptions();
        var text = new StringBuilder();
        text.AppendLine("dotnet run -c Release --project bench/Bench -- [--Name=value ...]");
        text.AppendLine();
        text.AppendLine("A full run: the one-hop floor, then throughput (baseline, service, service-pg, peer on the same pre-produced records,");
        text.AppendLine("each on fresh topics), readings through silo processes (1, then --Silos with placement by partition and with");
        text.AppendLine("Orleans' placement), the latency at --Rate for --Seconds (offered by a separate producer process), setting-to-effect");
        text.AppendLine("and memory (service only), then service-pg through a stop of its PostgreSQL server (--Outage). --Sustained runs only");
        text.AppendLine("the latency and the outage. The embedded broker runs as a child process (HeaterOrleans.Silo kafka-only) so that this");
        text.AppendLine("process's CPU time is the measured variant's own. service-pg is the service with its sensor state in PostgreSQL:");
        text.AppendLine("--PostgreSql, else a throwaway server started by the bench (the only one the outage stops).");
        text.AppendLine();
        foreach (var property in typeof(BenchOptions).GetProperties().Where(p => p.CanWrite))
        {
            var value = property.GetValue(defaults);
            var shown = value switch
            {
                null => "",
                bool b => b ? " (default: true)" : "",
                IFormattable f => string.Create(CultureInfo.InvariantCulture, $" (default: {f})"),
                _ => $" (default: {value})",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"  --{property.Name}{shown}");
            text.AppendLine(CultureInfo.InvariantCulture, $"      {property.GetCustomAttribute<DescriptionAttribute>()?.Description}");
        }

        text.AppendLine();
        text.AppendLine("Examples:");
        text.AppendLine("  dotnet run -c Release --project bench/Bench");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --Sustained --Rate=5000 --Seconds=60");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --Readings=50000 --MemorySensors=1000 --LatencySeconds=5");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --Sustained --Seconds=10 --PostgreSql='Host=db;Username=bench;Database=bench'");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --PostgreSql=none");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --Sustained --Seconds=10 --Variants=service-pg --Outage=10");
        text.AppendLine("  dotnet run -c Release --project bench/Bench -- --Variants=silos --Silos=3 --Floor=false");
        return text.ToString();
    }
}
