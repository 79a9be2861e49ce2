using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace HeaterOrleans.Chaos;

/// <summary>
/// Produces the plan: the settings, then the rounds, held back by <see cref="ChaosOptions.Rate"/> and by the
/// service's lag (<see cref="ChaosOptions.MaxLag"/>). Idempotent, so that the retries around a broker outage
/// neither duplicate nor reorder a sensor's records.
/// </summary>
internal sealed class WorkloadProducer : IDisposable
{
    private const int ChunkSize = 500;

    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly WorkloadPlan _plan;
    private readonly GroupProgress _progress;
    private readonly ChaosOptions _options;
    private readonly RunLog _log;
    private readonly List<GarbageSent> _garbage = [];
    private long _readingsTopicRecords;
    private int _roundsDone;

    public WorkloadProducer(string bootstrapServers, WorkloadPlan plan, GroupProgress progress, ChaosOptions options, RunLog log)
    {
        _producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            // The service's partitioner: a keyed sensor lands where any producer of the project would put it.
            Partitioner = Partitioner.Murmur2Random,
        }).SetLogHandler((_, _) => { }).Build();
        _plan = plan;
        _progress = progress;
        _options = options;
        _log = log;
    }

    public int RoundsDone => Volatile.Read(ref _roundsDone);

    public IReadOnlyList<GarbageSent> Garbage
    {
        get
        {
            lock (_garbage)
            {
                return [.. _garbage];
            }
        }
    }

    public Task ProduceSettingsAsync(CancellationToken cancellationToken) =>
        ProduceAsync(_plan.SettingsPhase, cancellationToken);

    /// <summary>The readings, round after round; <see cref="RoundsDone"/> tells the fault injector how far it got.</summary>
    public async Task ProduceRoundsAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long readings = 0;
        var chunk = _options.Rate > 0 ? Math.Clamp(_options.Rate / 10, 1, ChunkSize) : ChunkSize;
        foreach (var round in _plan.Rounds)
        {
            foreach (var records in round.Chunk(chunk))
            {
                await WaitForRoomAsync(cancellationToken);
                if (_options.Rate > 0)
                {
                    var due = TimeSpan.FromSeconds((double)readings / _options.Rate);
                    if (due > clock.Elapsed)
                    {
                        await Task.Delay(due - clock.Elapsed, cancellationToken);
                    }
                }

                await ProduceAsync(records, cancellationToken);
                readings += records.Count(r => r.Topic == Topics.Readings && !r.IsGarbage);
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
                {
                    lastReport = clock.Elapsed;
                    _log.Line(string.Create(CultureInfo.InvariantCulture,
                        $"produced {readings:N0} readings, round {RoundsDone + 1}/{_plan.Rounds.Count} ({readings / clock.Elapsed.TotalSeconds:N0}/s)"));
                }
            }

            Interlocked.Increment(ref _roundsDone);
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    /// <summary>Waits while the service is more than <see cref="ChaosOptions.MaxLag"/> readings behind.</summary>
    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (Interlocked.Read(ref _readingsTopicRecords) - _progress.CommittedReadings() <= _options.MaxLag)
                {
                    return;
                }
            }
            catch (KafkaException)
            {
                // The broker is down: wait as if the service were behind.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task ProduceAsync(IEnumerable<PlannedRecord> records, CancellationToken cancellationToken)
    {
        var sends = records.Select(async r =>
        {
            var message = new Message<byte[]?, byte[]> { Key = r.Key, Value = r.Value };
            var delivered = r.Partition is { } p
                ? await _producer.ProduceAsync(new TopicPartition(r.Topic, p), message, cancellationToken)
                : await _producer.ProduceAsync(r.Topic, message, cancellationToken);
            if (r.IsGarbage)
            {
                lock (_garbage)
                {
                    _garbage.Add(new GarbageSent(r.Topic, delivered.Partition.Value, delivered.Offset.Value, r.GarbageKind!));
                }
            }

            if (r.Topic == Topics.Readings)
            {
                Interlocked.Increment(ref _readingsTopicRecords);
            }
        }).ToList();
        await Task.WhenAll(sends);
    }
}
