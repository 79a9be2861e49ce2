using System.Globalization;
using System.Text.Json;

namespace HeaterOrleans.Simulation;

/// <summary>
/// Reads a finished run back from its output folder: the JSON report and the per-heater CSV. For checks of a run
/// made by the command itself, in its own process, as a user makes it.
/// </summary>
public static class ReportReader
{
    public static SimulationReport Read(string folder)
    {
        var json = Path.Combine(folder, ReportWriter.JsonFile);
        var report = JsonSerializer.Deserialize<SimulationReport>(File.ReadAllText(json), ReportWriter.Json)
            ?? throw new InvalidDataException($"{json} holds no report");
        var csv = Path.Combine(folder, ReportWriter.CsvFile);
        report.Heaters.AddRange(File.ReadLines(csv).Skip(1).Select((line, i) => Heater(line, $"{csv} line {i + 2}")));
        return report;
    }

    private static HeaterResult Heater(string line, string where)
    {
        var f = line.Split(',');
        if (f.Length != 21)
        {
            throw new InvalidDataException($"{where}: {f.Length} fields instead of 21");
        }

        double D(int i) => N(i) ?? throw new InvalidDataException($"{where}: field {i + 1} is empty");
        double? N(int i) => f[i].Length == 0 ? null : double.Parse(f[i], CultureInfo.InvariantCulture);
        int I(int i) => int.Parse(f[i], CultureInfo.InvariantCulture);
        return new HeaterResult(
            D(0), I(1), I(2), D(3), D(4), D(5), D(6), N(7), D(8), N(9) ?? double.NaN, D(10), D(11), D(12), N(13), N(14),
            I(15), I(16), I(17), I(18), D(19), f[20] == "1");
    }
}
