using System.Text.Json;

namespace HeaterOrleans.Simulation;

/// <summary>
/// Reads a finished run back from its output folder's JSON report: for checks of a run made by the command
/// itself, in its own process, as a user makes it.
/// </summary>
public static class ReportReader
{
    public static SimulationReport Read(string folder)
    {
        var json = Path.Combine(folder, ReportWriter.JsonFile);
        return JsonSerializer.Deserialize<SimulationReport>(File.ReadAllText(json), ReportWriter.Json)
            ?? throw new InvalidDataException($"{json} holds no report");
    }
}
