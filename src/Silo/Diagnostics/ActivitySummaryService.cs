using System.Globalization;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>At Information level the service logs a periodic summary, not a line per record.</summary>
internal sealed partial class ActivitySummaryService(HeaterMetrics metrics, ILogger<ActivitySummaryService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var last = Snapshot();
        var lastTime = DateTime.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Snapshot();
                var seconds = (DateTime.UtcNow - lastTime).TotalSeconds;
                lastTime = DateTime.UtcNow;
                if (now != last)
                {
                    LogSummary(
                        logger,
                        (now.Readings - last.Readings) / seconds,
                        (now.Settings - last.Settings) / seconds,
                        (now.Commands - last.Commands) / seconds,
                        now.Active,
                        LocalShare(now.LocalCalls - last.LocalCalls, now.RemoteCalls - last.RemoteCalls),
                        now.DeadLettered,
                        now.Readings,
                        now.Commands);
                }

                last = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private (long Readings, long Settings, long Commands, long DeadLettered, long Active, long LocalCalls, long RemoteCalls) Snapshot() =>
        (metrics.ReadingsTotal, metrics.SettingsTotal, metrics.CommandsTotal, metrics.DeadLetteredTotal, GrainMetrics.Active,
            GrainMetrics.LocalCalls, GrainMetrics.RemoteCalls);

    // Of the grain calls this silo's grains took in the interval: those from this silo's own ingress.
    private static string LocalShare(long local, long remote) =>
        local + remote == 0 ? "no" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * local / (local + remote):F1} %");

    [LoggerMessage(Level = LogLevel.Information, Message = "Service: {Readings:F1} readings/s, {Settings:F1} settings/s, {Commands:F1} commands/s; {Active} sensors active here, {LocalShare} of their calls local; dead-lettered {DeadLettered} (total {ReadingsTotal} readings, {CommandsTotal} commands)")]
    private static partial void LogSummary(
        ILogger logger, double readings, double settings, double commands, long active, string localShare, long deadLettered, long readingsTotal, long commandsTotal);
}
