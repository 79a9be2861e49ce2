namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Offsets of one assigned partition that are in flight. Records begin in offset order (one consume thread) and
/// complete in any order (different sensors run in parallel); the committable position is the lowest offset not
/// yet completed, so a commit never passes an unacknowledged record. A ring in begin order, with a done flag per
/// record, makes begin and complete O(1) (a sorted set cost a tree node per record and showed in profiles).
/// </summary>
internal sealed class PartitionOffsets
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _abandoned = new();
    private long[] _offsets = new long[64];
    private bool[] _done = new bool[64];
    private int _head;
    private int _count;
    private int _pending;

    // Ticket of the record at _head: tickets count records begun, so a ticket finds its slot without a search.
    private long _headTicket;
    private long _nextToBegin = -1;
    private long _lastTaken = -1;

    /// <summary>
    /// Cancelled when this silo gives up the partition's records in flight (a drain that timed out, a lost partition,
    /// a stop): their retries end for good, so an old owner never applies a record after the new owner has moved on.
    /// </summary>
    public CancellationToken Abandoned => _abandoned.Token;

    public void Abandon() => _abandoned.Cancel();

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>Marks <paramref name="offset"/> in flight; the returned ticket completes it.</summary>
    public long Begin(long offset)
    {
        lock (_gate)
        {
            if (_count == _offsets.Length)
            {
                Grow();
            }

            var slot = (_head + _count) % _offsets.Length;
            _offsets[slot] = offset;
            _done[slot] = false;
            _count++;
            _pending++;
            _nextToBegin = Math.Max(_nextToBegin, offset + 1);
            return _headTicket + _count - 1;
        }
    }

    public void Complete(long ticket)
    {
        lock (_gate)
        {
            var index = ticket - _headTicket;
            if (index < 0 || index >= _count)
            {
                return; // already released (the partition was revoked and assigned again meanwhile)
            }

            var slot = (_head + (int)index) % _offsets.Length;
            if (_done[slot])
            {
                return;
            }

            _done[slot] = true;
            _pending--;
            while (_count > 0 && _done[_head])
            {
                _head = (_head + 1) % _offsets.Length;
                _count--;
                _headTicket++;
            }
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
        var committable = _count > 0 ? _offsets[_head] : _nextToBegin;
        return committable < 0 ? null : committable;
    }

    private void Grow()
    {
        var offsets = new long[_offsets.Length * 2];
        var done = new bool[_offsets.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            offsets[i] = _offsets[(_head + i) % _offsets.Length];
            done[i] = _done[(_head + i) % _offsets.Length];
        }

        (_offsets, _done, _head) = (offsets, done, 0);
    }
}
