using HeaterOrleans.Silo.Ingress;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeaterOrleans.Silo.Health;

/// <summary>
/// Ready only once the ingress consumer has joined its group and received an assignment. An empty one
/// counts: with more silos than partitions some hold none, and they still host grains and serve HTTP.
/// </summary>
internal sealed class IngressHealthCheck(KafkaIngressService ingress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ingress.HasAssignment
            ? HealthCheckResult.Healthy($"{ingress.AssignedPartitions} partition(s) assigned, {ingress.InFlight} record(s) in flight")
            : HealthCheckResult.Unhealthy("the ingress consumer has no assignment yet"));
}
