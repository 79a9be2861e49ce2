namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Offsets of one assigned partition that are in flight. Records begin in offset order (one consume
/// thread) and complete in any order (different sensors run in parallel); the committable position
/// is the lowest offset not yet completed, so a commit never passes an unacknowledged record.
/// </summary>
internal sealed class PartitionOffsets
{
    private readonly Lock _gate = new();
    private readonly SortedSet<long> _pending = [];
    private long _nextToBegin = -1;
    private long _lastTaken = -1;

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public void Begin(long offset)
    {
        lock (_gate)
        {
            _pending.Add(offset);
            _nextToBegin = Math.Max(_nextToBegin, offset + 1);
        }
    }

    public void Complete(long offset)
    {
        lock (_gate)
        {
            _pending.Remove(offset);
        }
    }

    /// <summary>The offset to commit (the next one to read); <c>null</c> before any record began.</summary>
    public long? Committable
    {
        get
        {
            lock (_gate)
            {
                return CommittableLocked();
            }
        }
    }

    /// <summary>The offset to commit, when it moved since the last call.</summary>
    public long? TakeCommittable()
    {
        lock (_gate)
        {
            if (CommittableLocked() is not { } committable || committable <= _lastTaken)
            {
                return null;
            }

            _lastTaken = committable;
            return committable;
        }
    }

    private long? CommittableLocked()
    {
        var committable = _pending.Count > 0 ? _pending.Min : _nextToBegin;
        return committable < 0 ? null : committable;
    }
}
