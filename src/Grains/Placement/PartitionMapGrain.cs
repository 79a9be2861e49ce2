namespace HeaterOrleans.Grains.Placement;

/// <inheritdoc cref="IPartitionMapGrain"/>
public sealed class PartitionMapGrain(TimeProvider time) : Grain, IPartitionMapGrain
{
    private readonly Dictionary<SiloAddress, (int[] Partitions, DateTimeOffset At)> _reports = [];

    public Task<PartitionMap> ReportAsync(SiloAddress silo, int[] partitions, TimeSpan expireAfter)
    {
        var now = time.GetUtcNow();
        _reports[silo] = (partitions, now);
        var owners = new Dictionary<int, SiloAddress>();
        foreach (var (reporter, report) in _reports.OrderBy(r => r.Value.At).ToList())
        {
            if (now - report.At > expireAfter)
            {
                _reports.Remove(reporter);
                continue;
            }

            foreach (var partition in report.Partitions)
            {
                owners[partition] = reporter;
            }
        }

        return Task.FromResult(new PartitionMap(owners));
    }
}
