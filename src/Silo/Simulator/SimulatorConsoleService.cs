using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Kafka;
using Spectre.Console;

namespace HeaterOrleans.Silo.Simulator;

/// <summary>
/// The default run's live view (<see cref="SimulatorView"/>), refreshed in place every second while standard output is
/// a terminal; console logging then shows warnings and errors only. Stops with the host, so Ctrl+C still drains.
/// </summary>
internal sealed class SimulatorConsoleService(
    SimulatedHeaters heaters, HeaterMetrics metrics, KafkaClientFactory kafka, IConfiguration configuration) : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var http = (configuration["urls"] ?? HeaterSiloHost.DefaultUrls).Split(';')[0];
        var (readings, settings, commands, at) = (metrics.ReadingsTotal, metrics.SettingsTotal, metrics.CommandsTotal, DateTimeOffset.UtcNow);
        var rates = new ServiceRates(0, 0, 0, metrics.DeadLetteredTotal);
        await AnsiConsole.Live(SimulatorView.Render(heaters.All, rates, kafka.BootstrapServers, http, at)).StartAsync(async live =>
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Refresh, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var now = DateTimeOffset.UtcNow;
                var seconds = Math.Max((now - at).TotalSeconds, 0.001);
                rates = new ServiceRates(
                    (metrics.ReadingsTotal - readings) / seconds,
                    (metrics.SettingsTotal - settings) / seconds,
                    (metrics.CommandsTotal - commands) / seconds,
                    metrics.DeadLetteredTotal);
                (readings, settings, commands, at) = (metrics.ReadingsTotal, metrics.SettingsTotal, metrics.CommandsTotal, now);
                live.UpdateTarget(SimulatorView.Render(heaters.All, rates, kafka.BootstrapServers, http, now));
            }
        });
    }
}
