using System.Net;
using HeaterOrleans.Grains.Placement;
using HeaterOrleans.Silo.Placement;

namespace HeaterOrleans.UnitTests;

public sealed class ReportCadenceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(0, true)]
    [InlineData(4_900, true)]
    [InlineData(4_900, false)]
    [InlineData(30_000, false)]
    public void Reports_every_100_ms_while_the_view_settles(int sinceChangeMs, bool covered) =>
        Assert.Equal(TimeSpan.FromMilliseconds(100), ReportCadence.Next(TimeSpan.FromMilliseconds(sinceChangeMs), covered, Interval));

    [Theory]
    [InlineData(5_000, true)]
    [InlineData(60_000, false)]
    [InlineData(600_000, false)]
    public void Reports_at_the_interval_once_settled_or_when_a_partition_stays_unowned(int sinceChangeMs, bool covered) =>
        Assert.Equal(Interval, ReportCadence.Next(TimeSpan.FromMilliseconds(sinceChangeMs), covered, Interval));

    [Fact]
    public void Never_slower_than_the_interval() =>
        Assert.Equal(TimeSpan.FromMilliseconds(50), ReportCadence.Next(TimeSpan.Zero, covered: false, TimeSpan.FromMilliseconds(50)));

    [Fact]
    public void A_map_covers_the_partitions_only_when_each_has_an_owner()
    {
        var (one, two) = (SiloAddress.New(IPAddress.Loopback, 11111, 1), SiloAddress.New(IPAddress.Loopback, 11112, 1));
        var gap = new PartitionMap(new() { [0] = one, [2] = two });
        Assert.False(gap.Covers(3));
        Assert.True(gap.Covers(1));
        Assert.True(new PartitionMap(new() { [0] = one, [1] = one, [2] = two }).Covers(3));
        Assert.True(PartitionMap.Empty.Covers(0));
    }

    [Fact]
    public void Maps_have_the_same_owners_only_when_every_partition_has_the_same_silo()
    {
        var (one, two) = (SiloAddress.New(IPAddress.Loopback, 11111, 1), SiloAddress.New(IPAddress.Loopback, 11112, 1));
        var map = new PartitionMap(new() { [0] = one, [1] = two });
        Assert.True(map.SameOwners(new(new() { [1] = two, [0] = one })));
        Assert.False(map.SameOwners(new(new() { [0] = one, [1] = one })));
        Assert.False(map.SameOwners(new(new() { [0] = one })));
        Assert.False(map.SameOwners(new(new() { [0] = one, [2] = two })));
    }
}
