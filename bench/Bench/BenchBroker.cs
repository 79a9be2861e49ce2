using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using HeaterOrleans.Chaos;

namespace HeaterOrleans.Bench;

/// <summary>
/// The broker of a phase. By default a fresh embedded broker in a child process (<c>HeaterOrleans.Silo kafka-only</c>,
/// as the chaos tool runs it), so that the bench process's CPU time is the measured variant's alone and the broker's
/// is read apart. It creates the phase's topics at start (the mock's admin API cannot) and trims their logs behind the
/// phase's consumer group, which it protects, so that its offset lookup stays short. With <c>--BootstrapServers</c>, a
/// real Kafka, on which the topics are created with the admin client and deleted at the end of the phase.
/// </summary>
internal sealed class BenchBroker : IAsyncDisposable
{
    private readonly BrokerProcess? _child;
    private readonly Process? _process;
    private readonly IReadOnlyList<string> _createdOnExternal;

    private BenchBroker(string bootstrapServers, string description, BrokerProcess? child, IReadOnlyList<string> createdOnExternal)
    {
        BootstrapServers = bootstrapServers;
        Description = description;
        _child = child;
        _process = child is null ? null : Process.GetProcessById(child.ProcessId);
        _createdOnExternal = createdOnExternal;
    }

    public string BootstrapServers { get; }

    public string Description { get; }

    public bool IsEmbedded => _child is not null;

    /// <summary>User plus system CPU time of the broker process so far; null for an external broker.</summary>
    public TimeSpan? CpuTime
    {
        get
        {
            if (_process is null || _process.HasExited)
            {
                return null;
            }

            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <param name="extraTopics">Topics besides the phase's own (a Streamiz application's internal topics).</param>
    public static async Task<BenchBroker> StartAsync(BenchOptions options, PhaseTopics topics, IReadOnlyCollection<string> extraTopics)
    {
        if (options.BootstrapServers is { } external)
        {
            List<string> all = [.. topics.All, .. extraTopics];
            await CreateTopicsAsync(external, all, options.Partitions);
            return new BenchBroker(external, $"external Kafka at {external}", null, all);
        }

        const int brokers = 3;
        var child = await BrokerProcess.StartAsync(
            Path.Combine(AppContext.BaseDirectory, "HeaterOrleans.Silo"),
            [
                string.Create(CultureInfo.InvariantCulture, $"--Kafka:Embedded:Partitions={options.Partitions}"),
                string.Create(CultureInfo.InvariantCulture, $"--Kafka:Embedded:Brokers={brokers}"),
                .. topics.ServiceArgs, $"--Kafka:GroupId={topics.GroupId}",
                // Records go once the phase's group has committed them and they are a second old: nothing in a phase
                // reads further back (the probes read from the end as of their start).
                "--Kafka:Embedded:Retention=00:00:01",
                $"--Kafka:Embedded:ExtraTopics={string.Join(',', extraTopics)}",
            ],
            Path.Combine(options.Output, $"broker-{topics.Phase}.log"),
            CancellationToken.None);
        return new BenchBroker(
            child.BootstrapServers,
            string.Create(CultureInfo.InvariantCulture, $"embedded mock, {brokers} brokers in a process of its own (kafka-only), a fresh one per phase; {options.Partitions} partitions per topic"),
            child, []);
    }

    public async ValueTask DisposeAsync()
    {
        if (_child is not null)
        {
            await _child.DisposeAsync();
            _process?.Dispose();
        }
        else if (_createdOnExternal.Count > 0)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
            try
            {
                await admin.DeleteTopicsAsync(_createdOnExternal);
            }
            catch (KafkaException e)
            {
                // Not worth losing the run's results over: the names are unique to the run.
                await Console.Error.WriteLineAsync($"Deleting the bench's topics on {BootstrapServers} failed: {e.Message}");
            }
        }
    }

    private static async Task CreateTopicsAsync(string bootstrapServers, IEnumerable<string> topics, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        try
        {
            await admin.CreateTopicsAsync(topics.Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = -1 }));
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is Confluent.Kafka.ErrorCode.NoError or Confluent.Kafka.ErrorCode.TopicAlreadyExists))
        {
            // Already there from an earlier attempt: the names are unique to this run, so they are still empty.
        }
    }
}
