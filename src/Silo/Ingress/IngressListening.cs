using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// The failsafe's <see cref="IFailsafeGate"/>: readings can reach this silo's grains when a broker answers, the
/// ingress holds an assignment, is not stalled (paused, or records retrying against a database or broker that is
/// down) and no partition lags by more than <see cref="FailsafeOptions.MaxLag"/>. Looked at once a second.
/// </summary>
internal sealed partial class IngressListening(
    KafkaClientFactory kafka,
    KafkaIngressService ingress,
    RecordHandler records,
    IOptions<FailsafeOptions> options,
    ILogger<IngressListening> logger) : BackgroundService, IFailsafeGate
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private volatile bool _listening;

    public bool IsListening => _listening;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var admin = kafka.CreateAdminClient<IngressListening>();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            // The metadata request blocks (up to its timeout while the broker is down): off the timer's thread.
            var reason = await Task.Run(() => Why(admin), stoppingToken);
            if ((reason is null) != _listening)
            {
                _listening = reason is null;
                LogChanged(logger, reason ?? "listening");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Why readings cannot reach the grains now, or null when they can.</summary>
    private string? Why(Confluent.Kafka.IAdminClient admin)
    {
        if (!ingress.HasAssignment)
        {
            return "no assignment";
        }

        if (ingress.Stalled || records.Retrying > 0)
        {
            return "stalled";
        }

        // This silo's own partitions: the lag gauge is per process (and shared by silos in one process).
        if (ingress.MaxLag > options.Value.MaxLag)
        {
            return "backlog";
        }

        try
        {
            return admin.GetMetadata(kafka.Options.Topics.Readings, TimeSpan.FromSeconds(2)).Brokers.Count > 0 ? null : "no broker";
        }
        catch (Confluent.Kafka.KafkaException e)
        {
            return e.Error.Reason;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress for the failsafe: {State}")]
    private static partial void LogChanged(ILogger logger, string state);
}
