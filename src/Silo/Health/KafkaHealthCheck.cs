using Confluent.Kafka;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeaterOrleans.Silo.Health;

/// <summary>Ready only when a broker answers a metadata request.</summary>
internal sealed class KafkaHealthCheck(KafkaClientFactory kafka) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly Lazy<IAdminClient> _admin = new(() => kafka.CreateAdminClient<KafkaHealthCheck>());

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        // GetMetadata blocks; keep it off the request thread.
        Task.Run(() =>
        {
            try
            {
                var metadata = _admin.Value.GetMetadata(kafka.Options.Topics.Readings, Timeout);
                return metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) answered")
                    : HealthCheckResult.Unhealthy("no broker answered");
            }
            catch (KafkaException e)
            {
                return HealthCheckResult.Unhealthy($"brokers unreachable: {e.Error.Reason}");
            }
        }, cancellationToken);

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
