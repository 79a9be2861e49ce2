using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.UnitTests;

public class PartitionOffsetsTests
{
    [Fact]
    public void Commits_only_up_to_the_lowest_unacknowledged_offset()
    {
        var offsets = new PartitionOffsets();
        Assert.Null(offsets.TakeCommittable());

        var ten = offsets.Begin(10);
        var eleven = offsets.Begin(11);
        var twelve = offsets.Begin(12);
        Assert.Equal(10, offsets.TakeCommittable()); // nothing done yet: commit position stays at 10
        Assert.Null(offsets.TakeCommittable());

        offsets.Complete(twelve);
        offsets.Complete(eleven);
        Assert.Null(offsets.TakeCommittable());       // 10 still in flight

        offsets.Complete(ten);
        Assert.Equal(13, offsets.TakeCommittable());
        Assert.Equal(0, offsets.PendingCount);
    }

    [Fact]
    public void A_record_that_never_completes_holds_the_partition_back()
    {
        var offsets = new PartitionOffsets();
        var tickets = Enumerable.Range(0, 100).Select(o => offsets.Begin(o)).ToList();

        foreach (var o in Enumerable.Range(0, 100).Where(o => o != 37))
        {
            offsets.Complete(tickets[o]);
        }

        Assert.Equal(37, offsets.TakeCommittable());
        Assert.Equal(1, offsets.PendingCount);
    }

    [Fact]
    public void Gaps_in_offsets_and_growth_past_the_ring_keep_the_order()
    {
        // Offsets need not be contiguous (compacted topics, transaction markers); thousands may be in flight.
        var offsets = new PartitionOffsets();
        var tickets = new List<long>();
        for (var i = 0; i < 5_000; i++)
        {
            tickets.Add(offsets.Begin(i * 3));
        }

        var random = new Random(7);
        var order = Enumerable.Range(0, 5_000).OrderBy(_ => random.Next()).ToList();
        var lowestOpen = 0;
        var done = new bool[5_000];
        foreach (var i in order)
        {
            offsets.Complete(tickets[i]);
            done[i] = true;
            while (lowestOpen < 5_000 && done[lowestOpen])
            {
                lowestOpen++;
            }

            Assert.Equal(lowestOpen < 5_000 ? lowestOpen * 3 : 4_999 * 3 + 1, offsets.Committable);
        }

        Assert.Equal(0, offsets.PendingCount);
    }

    [Fact]
    public void Begin_after_a_wraparound_reuses_the_ring()
    {
        var offsets = new PartitionOffsets();
        for (var round = 0; round < 1_000; round++)
        {
            var a = offsets.Begin(round * 2);
            var b = offsets.Begin(round * 2 + 1);
            offsets.Complete(b);
            Assert.Equal(round * 2, offsets.Committable);
            offsets.Complete(a);
            Assert.Equal(round * 2 + 2, offsets.Committable);
        }
    }
}
