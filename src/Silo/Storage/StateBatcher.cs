using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using HeaterOrleans.Silo.Diagnostics;
using Npgsql;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Group commit for grain state on PostgreSQL: operations queue here, and each of a few workers takes what is queued
/// (up to <c>Storage:MaxBatch</c>) and runs it as one round trip: all updates in one statement, all first writes in
/// another, all reads in a third.
/// A lone operation goes at once; under load batches grow by themselves, so a durable commit (one WAL flush) carries
/// many grains' writes, and the connections in use never exceed the workers. Each grain still awaits its own write.
/// </summary>
internal sealed class StateBatcher : IAsyncDisposable
{
    // An update must name the version it read; one that matches no row lost a race (an ETag conflict).
    internal const string UpdateSql = """
        UPDATE heater_grain_state AS t
           SET payload = i.payload, version = t.version + 1, watch = i.watch, owner = $7, modified_at = now()
          FROM unnest($2::varchar[], $3::varchar[], $4::bigint[], $5::bytea[], $6::boolean[])
               AS i(grain_id, state_name, version, payload, watch)
         WHERE t.service_id = $1 AND t.grain_id = i.grain_id AND t.state_name = i.state_name AND t.version = i.version
        RETURNING t.grain_id, t.state_name, t.version
        """;

    // A first write: a row already there (a racing activation wrote first) is not overwritten, and not returned.
    private const string InsertSql = """
        INSERT INTO heater_grain_state AS t (service_id, grain_id, state_name, version, payload, watch, owner)
        SELECT $1, i.grain_id, i.state_name, 1, i.payload, i.watch, $6
          FROM unnest($2::varchar[], $3::varchar[], $4::bytea[], $5::boolean[]) AS i(grain_id, state_name, payload, watch)
        ON CONFLICT DO NOTHING
        RETURNING t.grain_id, t.state_name, t.version
        """;

    // A read of a heater the failsafe watches makes this silo its owner, so the recovery leaves it alone.
    private const string ReadSql = """
        WITH wanted AS (
            SELECT * FROM unnest($2::varchar[], $3::varchar[]) AS w(grain_id, state_name)
        ),
        adopted AS (
            UPDATE heater_grain_state AS t SET owner = $4
              FROM wanted AS w
             WHERE t.service_id = $1 AND t.grain_id = w.grain_id AND t.state_name = w.state_name
               AND t.watch AND t.owner IS DISTINCT FROM $4
        )
        SELECT t.grain_id, t.state_name, t.version, t.payload
          FROM heater_grain_state AS t
          JOIN wanted AS w ON t.grain_id = w.grain_id AND t.state_name = w.state_name
         WHERE t.service_id = $1
        """;

    /// <summary>The batches' own metrics (size, wait), exported with the silo's.</summary>
    public const string MeterName = "HeaterOrleans.Storage";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<int> BatchSizes =
        Meter.CreateHistogram<int>("heater.storage.batch_size", description: "Grain state operations per PostgreSQL round trip");

    // What a grain waits for its state: the queue before its batch plus the round trip. A write slower than a sensor's
    // reading interval holds its next reading back, so this is where a latency tail on PostgreSQL shows first.
    private static readonly Histogram<double> Durations = Meter.CreateHistogram<double>(
        "heater.storage.operation.duration", unit: "s", description: "Grain state read or write, queued to completed",
        advice: new() { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    private readonly NpgsqlDataSource _database;
    private readonly string _serviceId;
    private readonly string _owner;
    private readonly int _maxBatch;
    private readonly TimeSpan _delay;
    private readonly FailureSummary _failures;
    private readonly Channel<StateOperation> _queue = Channel.CreateUnbounded<StateOperation>();
    private readonly Task[] _workers;
    private long _roundTrips;

    public StateBatcher(NpgsqlDataSource database, string serviceId, string owner, int workers, int maxBatch, TimeSpan delay, ILogger logger)
    {
        _delay = delay;
        _database = database;
        _serviceId = serviceId;
        _owner = owner;
        _maxBatch = maxBatch;
        _failures = new FailureSummary(logger, "PostgreSQL grain state", TimeSpan.FromSeconds(10));
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>Batches sent to the database so far.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public Task<StateRow?> RunAsync(StateOperation operation)
    {
        Enqueue(operation);
        return operation.Result.Task;
    }

    /// <summary>The error of a write (or delete) whose version is no longer the stored one.</summary>
    public static InconsistentStateException Conflict(string grainId, string stateName, long? version) => new(
        $"Grain state {grainId} ({stateName}) was written by someone else since version {version?.ToString() ?? "none"} was read",
        storedEtag: "unknown", currentEtag: version?.ToString() ?? "none");

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync()
    {
        var batch = new List<StateOperation>(_maxBatch);
        var keys = new HashSet<(string, string)>();
        List<StateOperation>? later = null;
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            keys.Clear();
            Take(batch, keys, ref later);
            if (batch.Count < _maxBatch && _delay > TimeSpan.Zero)
            {
                // Group commit: what arrives meanwhile shares this batch's round trip and log flush.
                await Task.Delay(_delay);
                Take(batch, keys, ref later);
            }

            await ExecuteAsync(batch);
            foreach (var operation in later ?? [])
            {
                Enqueue(operation);
            }

            later?.Clear();
        }
    }

    private void Enqueue(StateOperation operation)
    {
        if (!_queue.Writer.TryWrite(operation))
        {
            operation.Result.TrySetException(new ObjectDisposedException(nameof(StateBatcher), "grain storage is stopping"));
        }
    }

    private void Take(List<StateOperation> batch, HashSet<(string, string)> keys, ref List<StateOperation>? later)
    {
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var operation))
        {
            // One row can be written once per statement: a second write of it (two activations racing) goes next.
            if (operation.IsWrite && !keys.Add(operation.Key))
            {
                (later ??= []).Add(operation);
                continue;
            }

            batch.Add(operation);
        }
    }

    private async Task ExecuteAsync(List<StateOperation> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        BatchSizes.Record(batch.Count);
        Interlocked.Increment(ref _roundTrips);
        try
        {
            // Rows in one order in every statement, so two batches that touch the same rows cannot deadlock.
            batch.Sort(static (a, b) => string.CompareOrdinal(a.GrainId, b.GrainId) is var order and not 0
                ? order
                : string.CompareOrdinal(a.StateName, b.StateName));
            var updates = batch.Where(o => o.IsWrite && o.Version is not null).ToList();
            var inserts = batch.Where(o => o.IsWrite && o.Version is null).ToList();
            var reads = batch.Where(o => !o.IsWrite).ToList();
            await using var connection = await _database.OpenConnectionAsync();
            await using var command = new NpgsqlBatch(connection);
            if (updates.Count > 0)
            {
                command.BatchCommands.Add(UpdateCommand(updates));
            }

            if (inserts.Count > 0)
            {
                command.BatchCommands.Add(InsertCommand(inserts));
            }

            if (reads.Count > 0)
            {
                command.BatchCommands.Add(ReadCommand(reads));
            }

            await using var reader = await command.ExecuteReaderAsync();
            // Result sets come in the order the statements were added.
            await CompleteWritesAsync(reader, updates);
            await CompleteWritesAsync(reader, inserts);
            if (reads.Count > 0)
            {
                await CompleteReadsAsync(reader, reads);
            }
        }
        catch (Exception e)
        {
            _failures.Failed(e);
            foreach (var operation in batch)
            {
                operation.Result.TrySetException(e);
            }
        }

        foreach (var operation in batch)
        {
            Durations.Record(Stopwatch.GetElapsedTime(operation.Queued).TotalSeconds);
        }
    }

    private NpgsqlBatchCommand UpdateCommand(List<StateOperation> updates) => new(UpdateSql)
    {
        Parameters =
        {
            new() { Value = _serviceId },
            new() { Value = updates.Select(o => o.GrainId).ToArray() },
            new() { Value = updates.Select(o => o.StateName).ToArray() },
            new() { Value = updates.Select(o => o.Version!.Value).ToArray() },
            new() { Value = updates.Select(o => o.Payload!).ToArray() },
            new() { Value = updates.Select(o => o.Watch).ToArray() },
            new() { Value = _owner },
        },
    };

    private NpgsqlBatchCommand InsertCommand(List<StateOperation> inserts) => new(InsertSql)
    {
        Parameters =
        {
            new() { Value = _serviceId },
            new() { Value = inserts.Select(o => o.GrainId).ToArray() },
            new() { Value = inserts.Select(o => o.StateName).ToArray() },
            new() { Value = inserts.Select(o => o.Payload!).ToArray() },
            new() { Value = inserts.Select(o => o.Watch).ToArray() },
            new() { Value = _owner },
        },
    };

    private NpgsqlBatchCommand ReadCommand(List<StateOperation> reads) => new(ReadSql)
    {
        Parameters =
        {
            new() { Value = _serviceId },
            new() { Value = reads.Select(o => o.GrainId).ToArray() },
            new() { Value = reads.Select(o => o.StateName).ToArray() },
            new() { Value = _owner },
        },
    };

    /// <summary>A write whose row came back is done; one that did not lost a race on the version (an ETag conflict).</summary>
    private static async Task CompleteWritesAsync(NpgsqlDataReader reader, List<StateOperation> writes)
    {
        if (writes.Count == 0)
        {
            return;
        }

        var written = new Dictionary<(string, string), long>(writes.Count);
        while (await reader.ReadAsync())
        {
            written[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        await reader.NextResultAsync();
        foreach (var write in writes)
        {
            if (written.TryGetValue(write.Key, out var version))
            {
                write.Result.TrySetResult(new StateRow(version, []));
            }
            else
            {
                write.Result.TrySetException(Conflict(write.GrainId, write.StateName, write.Version));
            }
        }
    }

    private static async Task CompleteReadsAsync(NpgsqlDataReader reader, List<StateOperation> reads)
    {
        var found = new Dictionary<(string, string), StateRow>(reads.Count);
        while (await reader.ReadAsync())
        {
            found[(reader.GetString(0), reader.GetString(1))] = new StateRow(reader.GetInt64(2), (byte[])reader[3]);
        }

        foreach (var read in reads)
        {
            read.Result.TrySetResult(found.TryGetValue(read.Key, out var row) ? row : null);
        }
    }
}
