using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeaterOrleans.Silo.Health;

/// <summary><c>/healthz</c> (liveness: the process answers) and <c>/ready</c> (readiness: every dependency answers).</summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddHeaterHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<KafkaHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<KafkaHealthCheck>("kafka", tags: [Ready])
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready])
            .AddCheck<SiloHealthCheck>("silo", tags: [Ready])
            .AddCheck<IngressHealthCheck>("ingress", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHeaterHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        // Liveness runs no checks: a dependency outage must not make Kubernetes restart a healthy process.
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJsonAsync });
        return endpoints;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
