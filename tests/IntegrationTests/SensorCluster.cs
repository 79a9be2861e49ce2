using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Placement;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// A real in-process Orleans silo with the sensor grain (memory storage, the failsafe sweeper), publishing through
/// our Kafka stream provider to its own embedded broker.
/// </summary>
public sealed class SensorCluster : IAsyncDisposable
{
    private SensorCluster(TestBroker kafka, InProcessTestCluster cluster) => (Kafka, Cluster) = (kafka, cluster);

    public TestBroker Kafka { get; }

    public InProcessTestCluster Cluster { get; }

    /// <param name="failsafe">Failsafe options; the defaults (60 s) when omitted.</param>
    /// <param name="silos">Silos in the cluster.</param>
    /// <param name="clock">The silos' clock; the system's when omitted.</param>
    public static async Task<SensorCluster> StartAsync(Action<FailsafeOptions>? failsafe = null, int silos = 1, TimeProvider? clock = null)
    {
        var kafka = new TestBroker(partitions: 4, TestBroker.Commands);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(SensorGrain.StorageName);
            silo.Services.Configure<FailsafeOptions>(o => failsafe?.Invoke(o));
            if (clock is not null)
            {
                silo.Services.AddSingleton(clock);
            }

            silo.Services.AddSensorFailsafe();
            silo.Services.AddSensorHomePlacement();
            silo.AddKafkaStreams(StreamNames.CommandsProvider, options => options.Configure(o =>
            {
                o.Topic = TestBroker.Commands;
                // Fail a publish quickly when the broker is down, so the fault tests stay short.
                o.Producer = new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 1, MessageTimeoutMs = 3000 };
            }));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SensorCluster(kafka, cluster);
    }

    public ISensorGrain Sensor(int id) => Cluster.Client.GetGrain<ISensorGrain>(id);

    /// <summary>The (first) silo's failsafe sweeper: which heaters it watches.</summary>
    public FailsafeSweeper Sweeper => SweeperOf(0);

    public FailsafeSweeper SweeperOf(int silo) => Cluster.Silos[silo].ServiceProvider.GetRequiredService<FailsafeSweeper>();

    /// <summary>The command records of one sensor, in the order the broker holds them.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> CommandRecordsFor(int sensorId) =>
        [.. Kafka.ReadAll(TestBroker.Commands).Where(r => HeaterControl.Parser.ParseFrom(r.Message.Value).SensorID == sensorId)];

    public List<HeaterCommand> CommandsFor(int sensorId) =>
        [.. CommandRecordsFor(sensorId).Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value).Command)];

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Kafka.Dispose();
    }
}
