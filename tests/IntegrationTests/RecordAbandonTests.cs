using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Ingress;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// A record whose partition gave up its records in flight (revoked past the drain timeout, or lost) stops retrying
/// and never reaches its grain afterwards, by its abandon token alone: with the broker back, the old owner must not
/// apply it on top of the new owner's work. (The grain's fence would make a late apply harmless; here it is not needed.)
/// </summary>
public sealed class RecordAbandonTests : IAsyncLifetime
{
    private const int Abandoned = 501;
    private const int Later = 502;
    private static readonly SensorSetting Band20 = new(Desired: 20, UpDelta: 0.5, DownDelta: 0.5);
    private SensorCluster _sensors = null!;

    public async Task InitializeAsync() => _sensors = await SensorCluster.StartAsync();

    public async Task DisposeAsync() => await _sensors.DisposeAsync();

    [Fact]
    public async Task An_abandoned_record_stops_retrying_and_is_not_applied_when_the_broker_is_back()
    {
        var configuration = new ConfigurationBuilder().Build();
        var metrics = new HeaterMetrics();
        using var kafka = new KafkaClientFactory(
            configuration, Options.Create(new KafkaOptions { BootstrapServers = _sensors.Kafka.BootstrapServers }), NullLoggerFactory.Instance);
        using var deadLetters = new DeadLetterPublisher(kafka, metrics, NullLogger<DeadLetterPublisher>.Instance);
        var handler = new RecordHandler(
            _sensors.Cluster.Client, kafka, deadLetters, metrics, Options.Create(new IngressOptions()), Options.Create(new ValueLimits()),
            configuration, NullLogger<RecordHandler>.Instance);
        foreach (var id in new[] { Abandoned, Later })
        {
            await _sensors.Sensor(id).ApplySettingAsync(Band20);
        }

        // The grain cannot publish its On while the broker is down: the record is retried.
        _sensors.Kafka.Broker.SetDown();
        using var abandon = new CancellationTokenSource();
        Task handled;
        try
        {
            handled = handler.HandleAsync(Reading(Abandoned, 18), abandon.Token);
            await Eventually.True(() => handler.Retrying > 0, TimeSpan.FromSeconds(60), "the record to be retried");
            await abandon.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handled.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            _sensors.Kafka.Broker.SetUp();
        }

        // The broker works again (another sensor's On goes out), and the abandoned record stays unapplied.
        await _sensors.Sensor(Later).ApplyReadingAsync(new SensorReading(18, DateTimeOffset.UtcNow));
        await Eventually.True(() => _sensors.CommandsFor(Later).Count == 1, TimeSpan.FromSeconds(60), "the other sensor's On");
        Assert.Equal(0, handler.Retrying);
        Assert.Empty(_sensors.CommandsFor(Abandoned));
        Assert.Null((await _sensors.Sensor(Abandoned).GetSnapshotAsync())!.LastAction);
    }

    private static ConsumeResult<byte[]?, byte[]?> Reading(int sensorId, double temperature) => new()
    {
        Topic = TestBroker.Readings,
        Partition = 0,
        Offset = 0,
        Message = new Message<byte[]?, byte[]?>
        {
            Key = SensorKey.Encode(sensorId),
            Value = new SensorData { SensorID = sensorId, Temperature = temperature }.ToByteArray(),
            Timestamp = new Timestamp(DateTime.UtcNow),
            Headers = [],
        },
    };
}
