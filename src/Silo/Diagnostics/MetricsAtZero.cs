namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// Starts the service's counters at 0 (<see cref="HeaterMetrics.StartAtZero"/>). Registered after OpenTelemetry's
/// own hosted service, so its meter listener is there to see them.
/// </summary>
internal sealed class MetricsAtZero : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        HeaterMetrics.StartAtZero();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
