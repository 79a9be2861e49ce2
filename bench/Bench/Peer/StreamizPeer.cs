using System.Globalization;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace HeaterOrleans.Bench.Peer;

/// <summary>
/// The same job as our service written with Streamiz.Kafka.Net (the .NET port of Kafka Streams): what a .NET
/// user would pick instead of Orleans. Benchmark peer only.
/// <para>
/// Topology: settings (<c>tempset</c>) become a KTable; readings (<c>sensor</c>) are left-joined with it and go
/// through <see cref="ControlLawTransformer"/>, which applies <c>ControlLaw.Decide</c> against the last command
/// kept in a key-value store and sends a command only when the action changes. Keys are the sensor ID as decimal
/// text. A record whose key is not exactly its payload's sensor ID (a null key, as the original heater sends)
/// is re-keyed from the payload and goes through a repartition topic (murmur2 partitioning, as the Java client
/// and our own producers) to the task that owns its sensor; keyed records (all of the bench's) take the direct
/// path and never touch those topics.
/// </para>
/// <para>
/// Guarantees, against our service's: at-least-once (<c>processing.guarantee=at_least_once</c>; exactly-once
/// needs transactions, which the embedded mock broker accepts but does not honour). Input offsets are committed
/// every second (as our ingress) after the producer is flushed, so a crash replays input, never skips it.
/// State is in memory and changelogged to Kafka (settings and last command each have a changelog topic,
/// restored on start): the counterpart of the service persisting grain state. Differences: the command and the
/// changelog record of the new last action are produced side by side, neither waiting for the other's ack, so
/// a crash between them can leave the restored state ahead of the commands sent and the replayed reading does
/// not resend the lost command (our grain persists only after the command's ack); no per-partition offsets in
/// the state (a replay re-applies readings); undecodable or invalid records are skipped and counted, not
/// dead-lettered. Like Kafka Streams with <c>max.task.idle.ms=0</c>, a task processes whichever of its
/// partitions has data: with settings and readings produced beforehand, a reading fetched before its sensor's
/// setting sends nothing (left at the default because Streamiz's idling waits for every input partition,
/// the always-empty repartition ones included).
/// </para>
/// <para>
/// Client settings as our service's with the embedded broker: acks=all with idempotence, linger 2 ms,
/// fetch.wait.max 5 ms (the mock does not long-poll), session 6 s and heartbeat 0.5 s (mock rebalances wait
/// session.timeout - 1 s), murmur2 partitioning. Streamiz polls until it has <c>MaxPollRecords</c> (500) or
/// <c>PollMs</c> has passed before it processes a batch: the default 100 ms would add up to 100 ms of latency
/// at low rates that our service does not have, so <c>PollMs</c> is 5 ms.
/// </para>
/// </summary>
public sealed class StreamizPeer : IDisposable
{
    internal const string SettingsStore = "settings";
    internal const string LastActionStore = "last-action";
    internal const string ReadingsRekey = "readings-rekey";
    internal const string SettingsRekey = "settings-rekey";

    // Streamiz keeps one process-wide logger factory (the last KafkaStream built sets it) and caches loggers from
    // it in static fields, so it is shared and never disposed. Warnings and errors only: the rest is per-record
    // or per-state-change chatter.
    private static readonly ILoggerFactory Logs = LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(options => options.SingleLine = true));

    private readonly KafkaStream _stream;
    private readonly PeerCounters _counters;
    private int _disposed;

    private StreamizPeer(KafkaStream stream, PeerCounters counters)
    {
        _stream = stream;
        _counters = counters;
    }

    /// <summary>
    /// Readings and settings handled so far, each counted once its command, if any, is queued to the producer,
    /// and once only (not again when replayed after a rebalance).
    /// </summary>
    public long Processed => _counters.Processed;

    /// <summary>Commands handed to the producer so far.</summary>
    public long CommandsSent => _counters.CommandsSent;

    /// <summary>Records skipped as undecodable or invalid (included in <see cref="Processed"/>).</summary>
    internal long Rejected => _counters.Rejected;

    /// <summary>
    /// The internal topics Streamiz needs for <paramref name="applicationId"/>. Each must exist, with as many
    /// partitions as the readings and settings topics (which must have the same count: the join is
    /// co-partitioned), before <see cref="Start"/>: Streamiz would create a missing one through the admin
    /// client, and CreateTopics hangs on the embedded mock broker.
    /// </summary>
    public static IReadOnlyList<string> InternalTopics(string applicationId) =>
    [
        $"{applicationId}-{SettingsStore}-changelog",
        $"{applicationId}-{LastActionStore}-changelog",
        $"{applicationId}-{ReadingsRekey}-repartition",
        $"{applicationId}-{SettingsRekey}-repartition",
    ];

    /// <summary>
    /// Starts the application and returns once Streamiz reports it running (partitions assigned, stores
    /// restored). Records may already be in process by then; <see cref="Processed"/> counts from zero.
    /// </summary>
    /// <param name="threads">
    /// Stream threads, each with its own consumer in the group. Keep 1 on the embedded mock broker: it assigns
    /// the first thread everything at once (no initial rebalance delay), the next thread's join rebalances, the
    /// first thread's commit in that window is fenced, and Streamiz's re-subscription then sometimes never gets
    /// an assignment back (seen in 2 of 5 runs with 2 threads: half the partitions stalled for good).
    /// </param>
    public static StreamizPeer Start(
        string bootstrapServers, string applicationId, string readingsTopic, string settingsTopic, string commandsTopic, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var counters = new PeerCounters();
        var config = new StreamConfig
        {
            ApplicationId = applicationId,
            BootstrapServers = bootstrapServers,
            NumStreamThreads = threads,
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            CommitIntervalMs = 1000,
            PollMs = 5,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = ClientTuning.LingerMs,
            FetchWaitMaxMs = ClientTuning.FetchWaitMaxMs,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            Partitioner = Partitioner.Murmur2Random,
            Logger = Logs,
        };

        var stream = new KafkaStream(BuildTopology(readingsTopic, settingsTopic, commandsTopic, counters), config);
        var started = new TaskCompletionSource<KafkaStream.State>(TaskCreationOptions.RunContinuationsAsynchronously);
        stream.StateChanged += (_, state) =>
        {
            if (state == KafkaStream.State.RUNNING || state == KafkaStream.State.ERROR || state == KafkaStream.State.NOT_RUNNING)
            {
                started.TrySetResult(state);
            }
        };

        try
        {
            stream.StartAsync().GetAwaiter().GetResult();
            // Generous: one group join plus restoring the changelogs took 1-4 s on the mock on a loaded machine.
            if (!started.Task.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"Streamiz application '{applicationId}' did not reach RUNNING within 60 s.");
            }

            if (started.Task.Result != KafkaStream.State.RUNNING)
            {
                throw new InvalidOperationException(
                    $"Streamiz application '{applicationId}' went to {started.Task.Result} instead of RUNNING (see its log; are the internal topics {string.Join(", ", InternalTopics(applicationId))} created?).");
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return new StreamizPeer(stream, counters);
    }

    /// <summary>Stops the threads; each commits its tasks (producer flushed first) on the way out. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stream.Dispose();
        }
    }

    private static Topology BuildTopology(string readingsTopic, string settingsTopic, string commandsTopic, PeerCounters counters)
    {
        var keys = new StringSerDes();
        var raw = new ByteArraySerDes();
        var readingSerDes = new CodecSerDes<SensorData>(bytes => MessageCodec.DecodeReading(bytes));
        var settingSerDes = new CodecSerDes<TemperatureControl>(bytes => MessageCodec.DecodeSetting(bytes));
        var commandSerDes = new CodecSerDes<HeaterControl>(bytes => DecodeResult<HeaterControl>.Valid(HeaterControl.Parser.ParseFrom(bytes)));
        var builder = new StreamBuilder();

        // Sources read raw bytes and decode in the topology rather than in a source serde: Streamiz runs a
        // source's deserializer twice per record (once to extract the timestamp, once to process), and calls
        // the deserialization handler twice for a bad one.
        var settings = KeyedByPayload(
            builder.Stream(settingsTopic, keys, raw).MapValues((bytes, record) => Decoded(MessageCodec.DecodeSetting(bytes ?? []), record, counters)),
            setting => setting.SensorID, SettingsRekey, keys, settingSerDes);
        // Not builder.Table(): that drops null-keyed records, and the table must take the re-keyed ones too.
        var table = settings.ToTable(
            InMemory.As<string, TemperatureControl>(SettingsStore).WithKeySerdes(keys).WithValueSerdes(settingSerDes));
        // The table forwards each update after writing it to its store: that is when a setting has been handled.
        table.ToStream().Foreach((_, _, record) => counters.Handled(record.Topic, record.Partition, record.Offset));

        var lastAction = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(LastActionStore), keys, commandSerDes);
        var controlLaw = TransformerBuilder.New<string, ReadingWithSetting, string, HeaterControl>()
            .Transformer<ControlLawTransformer>(counters)
            .StateStore(lastAction)
            .Build();

        KeyedByPayload(
                builder.Stream(readingsTopic, keys, raw).MapValues((bytes, record) => Decoded(MessageCodec.DecodeReading(bytes ?? []), record, counters)),
                reading => reading.SensorID, ReadingsRekey, keys, readingSerDes)
            // Left join: a reading for a sensor with no setting yet still reaches the law (which sends nothing)
            // and is counted.
            .LeftJoin(table, (reading, setting) => new ReadingWithSetting(reading, setting))
            .TransformValues(controlLaw)
            .To(commandsTopic, keys, commandSerDes);

        return builder.Build();
    }

    /// <summary>
    /// The decoded message, or <c>null</c> (counted as rejected) when it does not decode or validate. Typed
    /// non-null for the DSL's sake: <see cref="KeyedByPayload"/> drops the nulls before anything else sees them.
    /// </summary>
    private static T Decoded<T>(DecodeResult<T> result, IRecordContext record, PeerCounters counters)
        where T : class
    {
        if (!result.IsValid)
        {
            counters.RejectedRecord(record.Topic, record.Partition, record.Offset);
        }

        return result.Message!;
    }

    /// <summary>
    /// Records keyed exactly by their payload's sensor ID pass straight on; the others (null or different keys)
    /// are re-keyed and sent through the repartition topic <paramref name="rekeyName"/> to the right partition.
    /// Rejected (null) values match no branch and are dropped.
    /// </summary>
    private static IKStream<string, T> KeyedByPayload<T>(
        IKStream<string, T> records, Func<T, int> sensorId, string rekeyName, ISerDes<string> keys, ISerDes<T> values)
        where T : class
    {
        var branches = records.Branch(
            (key, value, _) => value is not null && IsKeyOf(key, sensorId(value)),
            (_, value, _) => value is not null);
        var rekeyed = branches[1]
            .SelectKey((_, value, _) => sensorId(value).ToString(CultureInfo.InvariantCulture))
            .Repartition(Repartitioned<string, T>.As(rekeyName).WithKeySerdes(keys).WithValueSerdes(values));
        return branches[0].Merge(rekeyed);
    }

    /// <summary>Whether <paramref name="key"/> is <paramref name="sensorId"/> in decimal text, without allocating.</summary>
    internal static bool IsKeyOf(string? key, int sensorId)
    {
        Span<char> text = stackalloc char[11];
        return key is not null
            && sensorId.TryFormat(text, out var length, default, CultureInfo.InvariantCulture)
            && key.AsSpan().SequenceEqual(text[..length]);
    }
}
