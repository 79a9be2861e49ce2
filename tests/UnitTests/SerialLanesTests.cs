using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.UnitTests;

public class SerialLanesTests
{
    [Fact]
    public async Task Runs_one_key_in_order_and_keys_in_parallel()
    {
        var lanes = new SerialLanes<int>();
        var gate = new TaskCompletionSource();
        var log = new List<string>();

        var first = lanes.Enqueue(1, async () =>
        {
            await gate.Task;
            lock (log) { log.Add("1a"); }
        });
        var second = lanes.Enqueue(1, () =>
        {
            lock (log) { log.Add("1b"); }
            return Task.CompletedTask;
        });
        var other = lanes.Enqueue(2, () =>
        {
            lock (log) { log.Add("2"); }
            return Task.CompletedTask;
        });

        await other;                       // key 2 does not wait for key 1
        Assert.Equal(["2"], log);
        Assert.False(second.IsCompleted);  // 1b waits for 1a

        gate.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(["2", "1a", "1b"], log);
        Assert.Equal(0, lanes.ActiveLanes);
    }

    [Fact]
    public async Task A_failed_step_fails_the_steps_queued_behind_it()
    {
        var lanes = new SerialLanes<int>();
        var gate = new TaskCompletionSource();
        var ran = false;

        var failing = lanes.Enqueue(1, async () =>
        {
            await gate.Task;
            throw new InvalidOperationException("boom");
        });
        var behind = lanes.Enqueue(1, () =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await Assert.ThrowsAsync<InvalidOperationException>(() => behind);
        Assert.False(ran);
    }
}
