using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;

namespace HeaterOrleans.Bench;

/// <summary>
/// A plain consumer (fetch.wait.max 5 ms, as the service's ingress) on a topic from its end as of now, timing each
/// record that arrives: from the reading's create time (the command's reading-time header, else the record's own
/// timestamp, which a Kafka Streams style peer carries over from its input) to now. Commands that no reading caused
/// (the failsafe's, marked with a reason header) are skipped. On request it also counts distinct commands (sensor and
/// sequence), so that a repeated command cannot hide a lost one.
/// </summary>
internal sealed class LatencyProbe : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly List<(long From, double Latency)> _latencies = [];
    private readonly HashSet<(string Sensor, long Sequence)>? _distinct;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LatencyProbe(IConsumer<byte[]?, byte[]?> consumer, bool distinct)
    {
        _consumer = consumer;
        _distinct = distinct ? [] : null;
        _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _latencies.Count;
            }
        }
    }

    /// <summary>Distinct commands seen (by sensor and sequence); 0 unless started with <c>distinct</c>.</summary>
    public int Distinct
    {
        get
        {
            lock (_gate)
            {
                return _distinct?.Count ?? 0;
            }
        }
    }

    /// <param name="commit">Commit what it has read as <paramref name="groupId"/> (the broker trims the topic behind it).</param>
    /// <param name="distinct">Also count distinct commands (off in the latency runs: their CPU figure includes the probe's).</param>
    public static LatencyProbe Start(string bootstrapServers, string topic, string groupId, bool commit, bool distinct = false)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers, GroupId = groupId, FetchWaitMaxMs = ClientTuning.FetchWaitMaxMs, EnableAutoCommit = commit, AutoCommitIntervalMs = 1000,
        }).Build();
        AssignAtEnd(consumer, topic);
        return new LatencyProbe(consumer, distinct);
    }

    /// <summary>
    /// Assigns every partition of <paramref name="topic"/> at its end as of now, explicitly: <c>Offset.End</c> would be
    /// resolved at the first fetch and miss what came before.
    /// </summary>
    public static void AssignAtEnd(IConsumer<byte[]?, byte[]?> consumer, string topic)
    {
        var timeout = TimeSpan.FromSeconds(10);
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId));
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, consumer.QueryWatermarkOffsets(p, timeout).High)));
    }

    /// <summary>Waits until <paramref name="expected"/> records have arrived or <paramref name="timeout"/> has passed.</summary>
    public async Task WaitForAsync(long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count < expected && DateTime.UtcNow < deadline && !_loop.IsCompleted)
        {
            await Task.Delay(20);
        }

        if (_loop.IsFaulted)
        {
            await _loop;
        }
    }

    /// <summary>
    /// Stops consuming and summarizes what arrived for readings created at or after <paramref name="fromUnixMs"/>.
    /// With <paramref name="timelinePath"/>, also writes the same per second of reading time (CSV), to tell a steady
    /// tail from a few slow seconds.
    /// </summary>
    public async Task<LatencyStats> StopAsync(long fromUnixMs, string? timelinePath = null)
    {
        await _stop.CancelAsync();
        await _loop;
        List<(long From, double Latency)> measured;
        lock (_gate)
        {
            measured = [.. _latencies.Where(l => l.From >= fromUnixMs)];
        }

        if (timelinePath is not null)
        {
            await File.WriteAllLinesAsync(timelinePath, Timeline(measured, fromUnixMs));
        }

        return LatencyStats.Of(measured.Select(l => l.Latency));
    }

    private static IEnumerable<string> Timeline(List<(long From, double Latency)> measured, long fromUnixMs)
    {
        var c = CultureInfo.InvariantCulture;
        yield return "second,records,p50_ms,p99_ms,max_ms";
        foreach (var second in measured.GroupBy(l => (l.From - fromUnixMs) / 1000).OrderBy(g => g.Key))
        {
            var s = LatencyStats.Of(second.Select(l => l.Latency));
            yield return string.Create(c, $"{second.Key},{s.Samples},{s.P50Ms:F1},{s.P99Ms:F1},{s.MaxMs:F1}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record)
            {
                continue;
            }

            var now = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
            var headers = record.Message.Headers;
            if (headers?.TryGetLastBytes(CommandHeaders.Reason, out _) == true)
            {
                continue; // a command no reading caused (the failsafe's): nothing to time, none expected
            }

            var from = headers?.TryGetLastBytes(CommandHeaders.ReadingTime, out var time) == true
                ? long.Parse(Encoding.ASCII.GetString(time), CultureInfo.InvariantCulture)
                : record.Message.Timestamp.UnixTimestampMs;
            var sequence = _distinct is not null && headers?.TryGetLastBytes(CommandHeaders.Sequence, out var s) == true
                ? long.Parse(Encoding.ASCII.GetString(s), CultureInfo.InvariantCulture)
                : (long?)null;
            lock (_gate)
            {
                _latencies.Add((from, now - from));
                if (sequence is { } n)
                {
                    _distinct!.Add((Encoding.ASCII.GetString(record.Message.Key ?? []), n));
                }
            }
        }
    }
}
