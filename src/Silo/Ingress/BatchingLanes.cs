namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Runs the items of one key strictly one batch after another, in the order they were enqueued, while different keys
/// run in parallel. Items that queue up behind a running batch go together in the next one (up to a maximum), so a
/// busy sensor costs one grain call per batch instead of one per record. If a batch fails, the items queued behind
/// it on the same key fail too instead of running out of order.
/// </summary>
internal sealed class BatchingLanes<TKey, TItem>(Func<TKey, IReadOnlyList<TItem>, Task> deliver, int maxBatch)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    // A key has a queue while a batch of it runs; what waits behind that batch is in the queue.
    private readonly Dictionary<TKey, Queue<(TItem Item, TaskCompletionSource Done)>> _lanes = [];

    public int ActiveLanes
    {
        get
        {
            lock (_gate)
            {
                return _lanes.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/>; the task completes when the batch that carried it has been delivered.</summary>
    public Task Enqueue(TKey key, TItem item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        Queue<(TItem Item, TaskCompletionSource Done)>? lane;
        lock (_gate)
        {
            start = !_lanes.TryGetValue(key, out lane);
            if (start)
            {
                _lanes[key] = lane = new();
            }

            lane!.Enqueue((item, done));
        }

        if (start)
        {
            _ = RunAsync(key, lane);
        }

        return done.Task;
    }

    private async Task RunAsync(TKey key, Queue<(TItem Item, TaskCompletionSource Done)> lane)
    {
        while (true)
        {
            var batch = new List<(TItem Item, TaskCompletionSource Done)>();
            lock (_gate)
            {
                while (batch.Count < maxBatch && lane.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _lanes.Remove(key);
                    return;
                }
            }

            try
            {
                await deliver(key, batch.ConvertAll(b => b.Item));
            }
            catch (Exception e)
            {
                // Nothing behind a failed batch may run before it: fail the lane's queue with it.
                lock (_gate)
                {
                    batch.AddRange(lane);
                    lane.Clear();
                    _lanes.Remove(key);
                }

                batch.ForEach(b => b.Done.TrySetException(e));
                return;
            }

            batch.ForEach(b => b.Done.TrySetResult());
        }
    }
}
