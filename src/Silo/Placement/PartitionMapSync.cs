using Confluent.Kafka;
using HeaterOrleans.Grains.Placement;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// Keeps this silo's <see cref="KafkaSensorHome"/> current: reports the readings partitions its ingress consumes to
/// the cluster's <see cref="IPartitionMapGrain"/> every <see cref="PlacementOptions.ReportInterval"/> and at once
/// after a rebalance, takes everyone's back, reads the readings topic's partition count now and then, and has
/// <see cref="HomeMover"/> send grains whose partition moved to their new home; around a change more often
/// (<see cref="ReportCadence"/>).
/// </summary>
internal sealed partial class PartitionMapSync(
    IGrainFactory grains,
    IngressPartitions local,
    KafkaSensorHome home,
    HomeMover mover,
    ILocalSiloDetails silo,
    KafkaClientFactory kafka,
    IOptions<PlacementOptions> options,
    ILogger<PartitionMapSync> logger) : BackgroundService
{
    private readonly PlacementOptions _options = options.Value;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly FailureSummary _failures = new(logger, "Partition map report", TimeSpan.FromSeconds(30));

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        local.Changed += Signal;
        try
        {
            using var admin = kafka.CreateAdminClient<PartitionMapSync>();
            var metadataDue = 0L;
            var changedAt = Environment.TickCount64;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Environment.TickCount64 >= metadataDue && await Task.Run(() => ReadPartitionCount(admin), stoppingToken) is > 0 and var count)
                {
                    home.PartitionCount = count;
                    metadataDue = Environment.TickCount64 + (long)_options.MetadataInterval.TotalMilliseconds;
                }

                var before = home.Map;
                await ReportAsync();
                if (!home.Map.SameOwners(before))
                {
                    changedAt = Environment.TickCount64;
                }

                mover.ViewMayHaveChanged(stoppingToken);
                try
                {
                    var next = ReportCadence.Next(
                        TimeSpan.FromMilliseconds(Environment.TickCount64 - changedAt), home.Map.Covers(home.PartitionCount), _options.ReportInterval);
                    if (await _changed.WaitAsync(next, stoppingToken))
                    {
                        changedAt = Environment.TickCount64;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            local.Changed -= Signal;
        }
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A report is due already.
        }
    }

    private async Task ReportAsync()
    {
        try
        {
            // Five missed reports and a silo's claims lapse: a killed silo's partitions then have no owner until the
            // survivors report them, and grains are placed locally meanwhile.
            home.Map = await grains.GetGrain<IPartitionMapGrain>(0)
                .ReportAsync(silo.SiloAddress, [.. local.Readings], _options.ReportInterval * 5);
        }
        catch (Exception e)
        {
            // The silo is starting or stopping, or the map's silo just died: the map stays as it was, only stale.
            _failures.Failed(e);
        }
    }

    private int ReadPartitionCount(IAdminClient admin)
    {
        var topic = kafka.Options.Topics.Readings;
        try
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
            return metadata.Topics is [{ Error.IsError: false } found] ? found.Partitions.Count : 0;
        }
        catch (KafkaException e)
        {
            LogMetadataFailed(logger, e, topic, e.Error.Reason);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Placement could not read the partition count of {Topic}: {Reason}; grains are placed where called meanwhile")]
    private static partial void LogMetadataFailed(ILogger logger, Exception exception, string topic, string reason);
}
