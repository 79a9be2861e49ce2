namespace HeaterOrleans.Bench;

/// <summary>What a phase runs on: its topics, its own broker (see <see cref="BenchBroker"/>), a producer for its input, and the CPU clocks.</summary>
internal sealed class PhaseKafka : IAsyncDisposable
{
    private PhaseKafka(PhaseTopics topics, BenchBroker broker)
    {
        Topics = topics;
        Broker = broker;
        Writer = new WorkloadWriter(broker.BootstrapServers);
        Cpu = new CpuClock(() => broker.CpuTime);
    }

    public PhaseTopics Topics { get; }

    public BenchBroker Broker { get; }

    public string BootstrapServers => Broker.BootstrapServers;

    public WorkloadWriter Writer { get; }

    public CpuClock Cpu { get; }

    public static async Task<PhaseKafka> StartAsync(BenchOptions options, PhaseTopics topics, IReadOnlyCollection<string>? extraTopics = null) =>
        new(topics, await BenchBroker.StartAsync(options, topics, extraTopics ?? []));

    public async ValueTask DisposeAsync()
    {
        Writer.Dispose();
        await Broker.DisposeAsync();
    }
}
