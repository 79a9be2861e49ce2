using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>
/// OpenTelemetry: our traces and Orleans', our meters and Orleans', scrapeable at <c>/metrics</c> and sent by
/// OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and friends) are set.
/// </summary>
public static class TelemetryExtensions
{
    public static IServiceCollection AddHeaterTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "heater-orleans"))
            .WithTracing(t => t.AddSource(HeaterTelemetry.SourceName, ActivitySources.AllActivitySourceName))
            .WithMetrics(m => m.AddMeter(HeaterMetrics.MeterName, GrainMetrics.MeterName, "Microsoft.Orleans").AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
