using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.UnitTests;

public class BatchingLanesTests
{
    [Fact]
    public async Task Runs_one_key_in_order_batches_what_queued_and_runs_keys_in_parallel()
    {
        var gate = new TaskCompletionSource();
        var calls = new List<string>();
        var lanes = new BatchingLanes<int, string>(
            async (key, items) =>
            {
                lock (calls)
                {
                    calls.Add($"{key}:{string.Join(",", items)}");
                }

                if (items[0] == "1a")
                {
                    await gate.Task;
                }
            },
            maxBatch: 2);

        var first = lanes.Enqueue(1, "1a");
        var queued = new[] { lanes.Enqueue(1, "1b"), lanes.Enqueue(1, "1c"), lanes.Enqueue(1, "1d") };
        await lanes.Enqueue(2, "2a");                       // key 2 does not wait for key 1
        Assert.Equal(["1:1a", "2:2a"], calls);
        Assert.All(queued, t => Assert.False(t.IsCompleted)); // they wait for 1a

        gate.SetResult();
        await Task.WhenAll([first, .. queued]);
        Assert.Equal(["1:1a", "2:2a", "1:1b,1c", "1:1d"], calls);   // what queued went together, at most 2 at a time
        Assert.Equal(0, lanes.ActiveLanes);
    }

    [Fact]
    public async Task A_failed_batch_fails_the_items_queued_behind_it()
    {
        var gate = new TaskCompletionSource();
        var ran = new List<string>();
        var lanes = new BatchingLanes<int, string>(
            async (_, items) =>
            {
                ran.AddRange(items);
                await gate.Task;
                throw new InvalidOperationException("boom");
            },
            maxBatch: 10);

        var failing = lanes.Enqueue(1, "a");
        var behind = lanes.Enqueue(1, "b");

        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await Assert.ThrowsAsync<InvalidOperationException>(() => behind);
        Assert.Equal(["a"], ran);
        Assert.Equal(0, lanes.ActiveLanes);
        await lanes.Enqueue(1, "c").ContinueWith(_ => { });  // the key starts afresh
        Assert.Equal(["a", "c"], ran);
    }
}
