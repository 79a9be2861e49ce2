using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Storage;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>
/// OpenTelemetry: our meters and Orleans', scrapeable at <c>/metrics</c>, and our traces and Orleans' when they go
/// somewhere; both sent by OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and friends) are set.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Turns traces on or off; by default they are on exactly when an OTLP endpoint is set.</summary>
    public const string TracesKey = "Telemetry:Traces";

    /// <summary>
    /// .NET's own runtime meter (GC, JIT, thread pool, CPU), built in since .NET 9: what a silo's cost is made of, and
    /// how the bench tells a warmed-up silo (its JIT has gone quiet) from one still compiling.
    /// </summary>
    public const string RuntimeMeterName = "System.Runtime";

    public static IServiceCollection AddHeaterTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "heater-orleans"))
            .WithMetrics(m => m.AddMeter(HeaterMetrics.MeterName, GrainMetrics.MeterName, StateBatcher.MeterName, "Microsoft.Orleans", RuntimeMeterName).AddPrometheusExporter());
        if (TracesEnabled(configuration))
        {
            telemetry.WithTracing(t => t.AddSource(HeaterTelemetry.SourceName, ActivitySources.AllActivitySourceName));
        }

        if (HasOtlpEndpoint(configuration))
        {
            telemetry.UseOtlpExporter();
        }

        // After AddOpenTelemetry, whose hosted service starts the meter listener first.
        services.AddHostedService<MetricsAtZero>();
        return services;
    }

    /// <summary>
    /// Whether spans are recorded. A listener makes every record, grain call and publish allocate and tag spans
    /// (a profile of the service at full load: Orleans' propagation filter alone ~20 % inclusive), so with nowhere
    /// to send them they are not made at all.
    /// </summary>
    public static bool TracesEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>(TracesKey) ?? HasOtlpEndpoint(configuration);

    private static bool HasOtlpEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ||
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}
