using System.Globalization;
using System.Text.RegularExpressions;

namespace HeaterOrleans.Bench;

/// <summary>
/// The counters of a silo process that the silos phase reads from its Prometheus <c>/metrics</c> (the process is not
/// ours to read otherwise): records its grains acknowledged, the ingress's grain calls by locality, and the methods its
/// JIT compiled (.NET's runtime meter).
/// </summary>
/// <param name="LocalCalls">Ingress calls to a grain on the silo that consumed the record.</param>
/// <param name="RemoteCalls">Ingress calls to a grain on another silo.</param>
/// <param name="JitMethods">Methods the process's JIT compiled since it started (each tier of a method counts).</param>
internal readonly partial record struct SiloMetrics(long Readings, long Settings, long LocalCalls, long RemoteCalls, long JitMethods)
{
    public static SiloMetrics operator +(SiloMetrics a, SiloMetrics b) =>
        new(a.Readings + b.Readings, a.Settings + b.Settings, a.LocalCalls + b.LocalCalls, a.RemoteCalls + b.RemoteCalls, a.JitMethods + b.JitMethods);

    public static SiloMetrics operator -(SiloMetrics a, SiloMetrics b) =>
        new(a.Readings - b.Readings, a.Settings - b.Settings, a.LocalCalls - b.LocalCalls, a.RemoteCalls - b.RemoteCalls, a.JitMethods - b.JitMethods);

    /// <summary>Reads the exposition text; a series missing (none counted yet) is 0.</summary>
    public static SiloMetrics Parse(string metrics) => new(
        Sum(metrics, "heater_readings_total", null), Sum(metrics, "heater_settings_total", null),
        Sum(metrics, "heater_grain_calls_total", "true"), Sum(metrics, "heater_grain_calls_total", "false"),
        Sum(metrics, "dotnet_jit_compiled_methods_total", null));

    // Every series of the name (one per scope and label set), each "name{labels} value [timestamp]".
    private static long Sum(string metrics, string name, string? local) =>
        Sample().Matches(metrics)
            .Where(m => m.Groups["name"].Value == name && (local is null || m.Groups["labels"].Value.Contains($"local=\"{local}\"", StringComparison.Ordinal)))
            .Sum(m => (long)double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
