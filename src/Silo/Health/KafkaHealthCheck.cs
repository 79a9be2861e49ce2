using Confluent.Kafka;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HeaterOrleans.Silo.Health;

/// <summary>
/// Ready only when a broker answers a metadata request and every topic the service uses exists and may be used: a
/// missing or unauthorized topic would otherwise show only when the first record needs it (a dead letter, a command).
/// </summary>
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
                // All topics at once: asking for one by name may create it on a broker that creates topics on demand.
                var metadata = _admin.Value.GetMetadata(Timeout);
                if (metadata.Brokers.Count == 0)
                {
                    return HealthCheckResult.Unhealthy("no broker answered");
                }

                var topics = kafka.Options.Topics;
                var problems = new[] { topics.Readings, topics.Settings, topics.Commands, topics.DeadLetter }
                    .Select(name => (name, metadata.Topics.FirstOrDefault(t => t.Topic == name)))
                    .Where(t => t.Item2 is null || t.Item2.Error.IsError || t.Item2.Partitions.Count == 0)
                    .Select(t => $"{t.name}: {(t.Item2 is null ? "missing" : t.Item2.Error.IsError ? t.Item2.Error.Reason : "no partitions")}")
                    .ToList();
                return problems.Count == 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) answered; topics present")
                    : HealthCheckResult.Unhealthy($"topics not usable: {string.Join("; ", problems)}");
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
