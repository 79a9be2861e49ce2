using Confluent.Kafka;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Bounds the records handed to grains and not yet acknowledged, in number (<see cref="IngressOptions.MaxInFlight"/>)
/// and in bytes (<see cref="IngressOptions.MaxInFlightBytes"/>). The consume thread takes a slot and the record's
/// bytes per record; a completion gives them back. When none is free it stalls the consume
/// loop, and after a second of stall pauses the partitions while it keeps polling, so the consumer stays in its
/// group however long the grains are stalled (a broker or database outage).
/// </summary>
internal sealed partial class InFlightGate(int capacity, long maxBytes, ILogger logger)
{
    // Longest wait for a free slot without polling; well below max.poll.interval.ms.
    private static readonly TimeSpan ShortStall = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _slots = new(capacity, capacity);

    private volatile bool _paused;
    private long _bytes;

    /// <summary>Whether the consumer is paused because the grains have not taken records for over a second.</summary>
    public bool Paused => _paused;

    /// <summary>Records in flight.</summary>
    public int Count => capacity - _slots.CurrentCount;

    /// <summary>Bytes of the records in flight.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Takes a slot and <paramref name="bytes"/> if both fit; a record alone always fits.</summary>
    public bool TryEnter(int bytes)
    {
        if (!_slots.Wait(0))
        {
            return false;
        }

        if (Interlocked.Add(ref _bytes, bytes) > maxBytes && Interlocked.Read(ref _bytes) != bytes)
        {
            Exit(bytes);
            return false;
        }

        return true;
    }

    public void Exit(int bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        _slots.Release();
    }

    /// <summary>
    /// Waits for a slot. A short stall just stops polling: librdkafka keeps prefetching up to its queue limits and
    /// heartbeats in the background, and consumption goes on with no gap. A long one pauses the partitions and
    /// keeps polling. Pausing discards what was prefetched and refetches it from the consumed position on resume
    /// (librdkafka's fetcher only notices a resume at its next 1 s tick, which is why short stalls do not pause).
    /// A record that arrives meanwhile from a partition assigned during the pause is handed back (seek) and its
    /// partition paused too.
    /// </summary>
    /// <param name="whilePaused">Work the consume loop must keep doing while paused (storing committable offsets).</param>
    /// <returns><c>true</c> with a slot taken; <c>false</c> when stopping before one came free.</returns>
    public bool WaitForRoom(IConsumer<byte[]?, byte[]?> consumer, int bytes, Action whilePaused, CancellationToken stoppingToken)
    {
        var shortStallEnds = Environment.TickCount64 + (long)ShortStall.TotalMilliseconds;
        while (Environment.TickCount64 < shortStallEnds)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return false;
            }

            if (TryEnter(bytes))
            {
                return true;
            }

            Thread.Sleep(1);
        }

        consumer.Pause(consumer.Assignment);
        _paused = true;
        LogPaused(logger, capacity);
        try
        {
            // Resume only when a quarter of the slots (and of the bytes) is free, so as not to flap between paused and running.
            var resumeAt = Math.Max(1, capacity / 4);
            while (_slots.CurrentCount < resumeAt || (Bytes > maxBytes - (maxBytes / 4) && Count > 0))
            {
                Thread.Sleep(10);
                if (stoppingToken.IsCancellationRequested)
                {
                    return false;
                }

                try
                {
                    if (consumer.Consume(TimeSpan.Zero) is { IsPartitionEOF: false } early)
                    {
                        consumer.Seek(early.TopicPartitionOffset);
                        consumer.Pause([early.TopicPartition]);
                    }
                }
                catch (KafkaException e) when (!e.Error.IsFatal)
                {
                    // As in the main loop: a consume error (a broker hiccup, an unreadable batch) is reported and
                    // polling goes on; it must not end the ingress.
                    LogConsumeFailed(logger, e, e.Error.Reason);
                }

                whilePaused();
            }

            return TryEnter(bytes);
        }
        finally
        {
            consumer.Resume(consumer.Assignment);
            _paused = false;
            LogResumed(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress paused: {MaxInFlight} records in flight for over a second")]
    private static partial void LogPaused(ILogger logger, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingress consume failed while paused: {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress resumed")]
    private static partial void LogResumed(ILogger logger);
}
