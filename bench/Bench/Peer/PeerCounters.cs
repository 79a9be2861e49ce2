using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace HeaterOrleans.Bench.Peer;

/// <summary>
/// What the peer has done so far, shared by every stream thread and task of one <see cref="StreamizPeer"/>.
/// A record counts once: at-least-once processing replays the records after the last commit when a task
/// moves (a rebalance, e.g. while the stream threads of one peer join one by one), and a throughput clock must
/// not see those twice. Each input record reaches exactly one counting point, in offset order per partition.
/// </summary>
internal sealed class PeerCounters
{
    // Highest offset counted per source partition. A partition is processed by one task on one thread at a time.
    private readonly ConcurrentDictionary<(string Topic, int Partition), StrongBox<long>> _counted = new();
    private long _processed;
    private long _commandsSent;
    private long _rejected;

    /// <summary>Readings and settings fully handled, rejected ones included.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Commands handed to Streamiz's producer (sent on its next batch, flushed before each commit); replays included.</summary>
    public long CommandsSent => Interlocked.Read(ref _commandsSent);

    /// <summary>Records skipped because they did not decode or validate (our service dead-letters them).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Handled(string topic, int partition, long offset)
    {
        if (FirstTime(topic, partition, offset))
        {
            Interlocked.Increment(ref _processed);
        }
    }

    public void RejectedRecord(string topic, int partition, long offset)
    {
        if (FirstTime(topic, partition, offset))
        {
            Interlocked.Increment(ref _rejected);
            Interlocked.Increment(ref _processed);
        }
    }

    public void CommandSent() => Interlocked.Increment(ref _commandsSent);

    private bool FirstTime(string topic, int partition, long offset)
    {
        var counted = _counted.GetOrAdd((topic, partition), static _ => new StrongBox<long>(-1));
        if (offset <= Volatile.Read(ref counted.Value))
        {
            return false;
        }

        Volatile.Write(ref counted.Value, offset);
        return true;
    }
}
