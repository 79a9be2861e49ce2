using Confluent.Kafka;
using HeaterOrleans.Silo.Ingress;
using Microsoft.Extensions.Logging.Testing;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The in-flight gate's paused path keeps polling a real consumer. A consume error there (here: a subscribed topic
/// the broker does not have, which librdkafka reports through the consumer) must be reported and the wait go on,
/// as in the main loop: before, it escaped the gate and ended the ingress.
/// </summary>
public sealed class InFlightGateConsumeErrorTests : IDisposable
{
    private readonly TestBroker _kafka = new(partitions: 1);

    [Fact]
    public async Task A_consume_error_while_paused_is_reported_and_the_wait_goes_on()
    {
        var logger = new FakeLogger();
        var gate = new InFlightGate(capacity: 1, maxBytes: 1_000, logger);
        Assert.True(gate.TryEnter(1));
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = _kafka.BootstrapServers,
                GroupId = "paused",
                TopicMetadataRefreshIntervalMs = 500,
            })
            .Build();
        consumer.Subscribe("no-such-topic");
        using var stop = new CancellationTokenSource();

        var waiting = Task.Run(() => gate.WaitForRoom(consumer, 1, () => { }, stop.Token));
        await Eventually.True(
            () => waiting.IsCompleted || logger.Collector.GetSnapshot().Any(r => r.Message.Contains("consume failed while paused", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "a consume error while paused");
        Assert.True(!waiting.IsCompleted, $"the wait ended: {waiting.Exception?.GetBaseException()}");
        Assert.True(gate.Paused);

        gate.Exit(1);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(60)), "a slot came free, so the wait should take it");
        consumer.Close();
    }

    public void Dispose() => _kafka.Dispose();
}
