using HeaterOrleans.Grains;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// The failsafe's <see cref="IFailsafeGate"/>: readings can reach this silo's grains when the ingress holds an
/// assignment, really fetches its readings partitions (<see cref="ConsumerFetching"/>), is not stalled (paused, or
/// records retrying against a database or broker that is down) and no partition lags by more than
/// <see cref="FailsafeOptions.MaxLag"/>. Looked at once a second.
/// </summary>
internal sealed partial class IngressListening(
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
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var reason = Why();
            if ((reason is null) != _listening)
            {
                _listening = reason is null;
                LogChanged(logger, reason ?? "listening");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Why readings cannot reach the grains now, or null when they can.</summary>
    private string? Why()
    {
        if (!ingress.HasAssignment)
        {
            return "no assignment";
        }

        if (ingress.NotFetching is { } notFetching)
        {
            return notFetching;
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

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress for the failsafe: {State}")]
    private static partial void LogChanged(ILogger logger, string state);
}
