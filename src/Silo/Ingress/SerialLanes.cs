using System.Collections.Concurrent;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Runs work for the same key strictly one after another, in the order it was enqueued, while
/// different keys run in parallel. If a step fails, the steps queued behind it on the same key fail
/// too instead of running out of order. <see cref="Enqueue"/> must be called from one thread.
/// </summary>
internal sealed class SerialLanes<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task> _tails = new();

    public int ActiveLanes => _tails.Count;

    public Task Enqueue(TKey key, Func<Task> work)
    {
        var next = _tails.TryGetValue(key, out var previous) ? After(previous, work) : work();
        _tails[key] = next;
        // Forget the lane once its last step is done, unless more has been queued behind it.
        next.ContinueWith(
            done => _tails.TryRemove(new KeyValuePair<TKey, Task>(key, done)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return next;
    }

    private static async Task After(Task previous, Func<Task> work)
    {
        await previous.ConfigureAwait(false);
        await work().ConfigureAwait(false);
    }
}
