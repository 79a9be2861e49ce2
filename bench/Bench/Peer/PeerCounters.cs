namespace HeaterOrleans.Bench.Peer;

/// <summary>
/// What the peer has done so far, shared by every stream thread and task of one <see cref="StreamizPeer"/>.
/// Streamiz creates processors per task on its own threads, so these are plain atomics rather than
/// per-processor state.
/// </summary>
internal sealed class PeerCounters
{
    private long _processed;
    private long _commandsSent;
    private long _rejected;

    /// <summary>Readings and settings fully handled, rejected ones included.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Commands handed to Streamiz's producer (sent on its next batch, flushed before each commit).</summary>
    public long CommandsSent => Interlocked.Read(ref _commandsSent);

    /// <summary>Records skipped because they did not decode or validate (our service dead-letters them).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Handled() => Interlocked.Increment(ref _processed);

    public void CommandSent() => Interlocked.Increment(ref _commandsSent);

    public void RejectedRecord()
    {
        Interlocked.Increment(ref _rejected);
        Interlocked.Increment(ref _processed);
    }
}
