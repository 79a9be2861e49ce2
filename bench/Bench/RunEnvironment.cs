using System.Runtime;
using System.Runtime.InteropServices;

namespace HeaterOrleans.Bench;

/// <summary>Where and how a run was taken: figures mean little without it.</summary>
public sealed record RunEnvironment(
    int Cores, string Cpu, string Gc, string Runtime, string Os, DateTimeOffset At, string CommandLine)
{
    public static RunEnvironment Capture(string commandLine) => new(
        Environment.ProcessorCount,
        CpuModel(),
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}",
        RuntimeInformation.FrameworkDescription,
        $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}",
        DateTimeOffset.UtcNow,
        commandLine);

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown CPU";
        }
    }
}
