using Confluent.Kafka;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Silo.Kafka.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>The embedded broker's log trimming drops only what every protected group has committed and the window has passed.</summary>
public sealed class EmbeddedLogTrimmerTests : IDisposable
{
    private const string Topic = "trimmed";
    private const string Other = "untouched";
    private readonly TestBroker _broker = new(partitions: 1, Topic, Other);

    // The loop's own interval is far away: each test triggers its passes itself.
    private static EmbeddedKafkaOptions Options(TimeSpan retention, int maxRetained = 1_000_000) =>
        new() { Retention = retention, MaxRetainedRecords = maxRetained, TrimInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Drops_what_the_group_committed_and_keeps_the_rest()
    {
        await ProduceAsync(Topic, 100);
        Commit("service", Topic, 60);
        await using var trimmer = new EmbeddedLogTrimmer(
            _broker.Broker, Options(TimeSpan.Zero), [new ProtectedGroup("service", [Topic])], NullLogger.Instance);

        await trimmer.TrimOnceAsync(CancellationToken.None);

        Assert.Equal(60, LogStart(Topic));
        Assert.Equal(60, trimmer.Trimmed);
        Assert.Equal(Enumerable.Range(60, 40).Select(i => (long)i), _broker.ReadAll(Topic).Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task A_protected_group_that_has_not_committed_keeps_everything()
    {
        await ProduceAsync(Topic, 50);
        await using var trimmer = new EmbeddedLogTrimmer(
            _broker.Broker, Options(TimeSpan.Zero), [new ProtectedGroup("stalled", [Topic])], NullLogger.Instance);

        await trimmer.TrimOnceAsync(CancellationToken.None);

        Assert.Equal(0, LogStart(Topic));
        Assert.Equal(0, trimmer.Trimmed);
    }

    [Fact]
    public async Task The_slowest_group_bounds_the_trim_and_a_discovered_group_guards_only_what_it_reads()
    {
        await ProduceAsync(Topic, 100);
        await ProduceAsync(Other, 100);
        Commit("fast", Topic, 90);
        Commit("slow", Topic, 30);
        await using var trimmer = new EmbeddedLogTrimmer(
            _broker.Broker, Options(TimeSpan.Zero), [new ProtectedGroup("fast", [Topic]), new ProtectedGroup("slow")], NullLogger.Instance);

        await trimmer.TrimOnceAsync(CancellationToken.None);

        Assert.Equal(30, LogStart(Topic));
        // Nobody protected reads it, and the window is zero: trimmed to its end.
        Assert.Equal(100, LogStart(Other));
    }

    [Fact]
    public async Task Nothing_younger_than_the_window_is_dropped_even_when_committed()
    {
        await ProduceAsync(Topic, 100);
        Commit("service", Topic, 100);
        await using var trimmer = new EmbeddedLogTrimmer(
            _broker.Broker, Options(TimeSpan.FromMinutes(10)), [new ProtectedGroup("service", [Topic])], NullLogger.Instance);

        await trimmer.TrimOnceAsync(CancellationToken.None);

        Assert.Equal(0, LogStart(Topic));
    }

    [Fact]
    public async Task Under_load_only_the_last_records_of_a_partition_are_kept_however_young()
    {
        await ProduceAsync(Topic, 100);
        Commit("service", Topic, 90);
        await using var trimmer = new EmbeddedLogTrimmer(
            _broker.Broker, Options(TimeSpan.FromMinutes(10), maxRetained: 25), [new ProtectedGroup("service", [Topic])], NullLogger.Instance);

        await trimmer.TrimOnceAsync(CancellationToken.None);

        Assert.Equal(75, LogStart(Topic));          // the last 25 kept; the commit at 90 would have allowed more
    }

    public void Dispose() => _broker.Dispose();

    private async Task ProduceAsync(string topic, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _broker.ProduceAsync(topic, null, [(byte)i]);
        }
    }

    private void Commit(string groupId, string topic, long offset)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(
            new ConsumerConfig { BootstrapServers = _broker.BootstrapServers, GroupId = groupId, EnableAutoCommit = false }).Build();
        consumer.Commit([new TopicPartitionOffset(topic, 0, offset)]);
    }

    private long LogStart(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = _broker.BootstrapServers, GroupId = "probe" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).Low.Value;
    }
}
