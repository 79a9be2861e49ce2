using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.UnitTests;

public class PartitionOffsetsTests
{
    [Fact]
    public void Commits_only_up_to_the_lowest_unacknowledged_offset()
    {
        var offsets = new PartitionOffsets();
        Assert.Null(offsets.TakeCommittable());

        offsets.Begin(10);
        offsets.Begin(11);
        offsets.Begin(12);
        Assert.Equal(10, offsets.TakeCommittable()); // nothing done yet: commit position stays at 10
        Assert.Null(offsets.TakeCommittable());

        offsets.Complete(12);
        offsets.Complete(11);
        Assert.Null(offsets.TakeCommittable());       // 10 still in flight

        offsets.Complete(10);
        Assert.Equal(13, offsets.TakeCommittable());
        Assert.Equal(0, offsets.PendingCount);
    }

    [Fact]
    public void A_record_that_never_completes_holds_the_partition_back()
    {
        var offsets = new PartitionOffsets();
        foreach (var o in Enumerable.Range(0, 100))
        {
            offsets.Begin(o);
        }

        foreach (var o in Enumerable.Range(0, 100).Where(o => o != 37))
        {
            offsets.Complete(o);
        }

        Assert.Equal(37, offsets.TakeCommittable());
        Assert.Equal(1, offsets.PendingCount);
    }
}
