using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeaterOrleans.Simulation;

/// <summary>Writes a run's outcome to its output folder: JSON report, per-heater CSV and the plots.</summary>
internal static class ReportWriter
{
    public const string JsonFile = "simulation-report.json";
    public const string CsvFile = "simulation-heaters.csv";

    /// <summary>Also reads the report back (<see cref="ReportReader"/>): the report's lists are get-only, so they are filled in place.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
    };

    public static async Task WriteAsync(SimulationReport report, CancellationToken cancellationToken)
    {
        var folder = report.Options.Output;
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, CsvFile);
        await File.WriteAllTextAsync(csv, Csv(report.Heaters), cancellationToken);
        report.Files.Add(csv);
        if (!Plots.FontsAvailable)
        {
            report.Warnings.Add("no fonts found: the plots have no text (install a font, e.g. Debian's fonts-dejavu-core)");
        }

        report.Files.AddRange(Plots.Render(report, folder));
        var json = Path.Combine(folder, JsonFile);
        report.Files.Add(json);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, Json), cancellationToken);
    }

    private static string Csv(IEnumerable<HeaterResult> heaters)
    {
        var text = new StringBuilder();
        text.AppendLine("added_delay_s,sensor_id,index,tau_s,outside_c,heated_equilibrium_c,desired_c,changed_desired_c,outside_share," +
            "settled_outside_share,settled_s,max_overshoot_c,max_undershoot_c,settle_s,resettle_s,commands,switches,redundant_commands," +
            "stale_commands,end_temperature_c,ends_in_band");
        foreach (var h in heaters)
        {
            text.AppendLine(string.Join(',',
                F(h.DelaySeconds), h.SensorId, h.Index, F(h.Tau), F(h.Outside), F(h.HeatedEquilibrium), F(h.Desired), F(h.ChangedDesired),
                F(h.OutsideShare), F(h.SettledOutsideShare), F(h.SettledSeconds), F(h.MaxOvershoot), F(h.MaxUndershoot), F(h.SettleSeconds),
                F(h.ResettleSeconds), h.Commands, h.Switches, h.RedundantCommands, h.StaleCommands, F(h.EndTemperature), h.EndsInBand ? 1 : 0));
        }

        return text.ToString();
    }

    private static string F(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : "";
}
