using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The failsafe is not fooled by our own stalls: while the broker is down, readings cannot arrive, so no sensor
/// counts as silent; a sensor that really goes silent while the others flow is still switched Off.
/// </summary>
public sealed class FailsafeListeningTests : IDisposable
{
    // Long enough that a starved test process does not itself leave the reading sensor silent that long; the outage
    // lasts twice as long.
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(8);
    private const int Reading = 51;
    private const int Silent = 52;
    private readonly TestBroker _kafka = new(partitions: 2);

    [Fact]
    public async Task A_broker_outage_longer_than_the_timeout_switches_nothing_off_and_a_silent_sensor_still_is()
    {
        await using var silo = await SiloProcess.StartAsync(
        [
            .. SiloProcess.OnBroker(_kafka),
            "--Simulator:Enabled=false",
            $"--Failsafe:StaleAfter={StaleAfter}",
            "--Failsafe:RetryDelay=00:00:00.5",
            // Back within a second of the broker, as the test's producer: librdkafka's reconnect backoff grows to 10 s
            // over an outage, longer than this test's timeout.
            "--Kafka:ReconnectBackoffMaxMs=1000",
        ]);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        foreach (var id in new[] { Reading, Silent })
        {
            await _kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 });
        }

        // Settings and readings travel on different topics, which Kafka does not order: settings first.
        await Eventually.True(
            () => new[] { Reading, Silent }.All(id => grains.GetGrain<ISensorGrain>(id).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting is not null),
            TimeSpan.FromSeconds(60), "both settings to reach their grains");
        foreach (var id in new[] { Reading, Silent })
        {
            await _kafka.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = 18 });     // On
        }

        await Eventually.True(() => _kafka.ReadAll(TestBroker.Commands).Count == 2, TimeSpan.FromSeconds(60), "both heaters On");

        // One sensor reads every half second throughout, in the band, until the end of the test (it would go silent
        // when it stopped); the other says nothing more. Readings sent during the outage wait in the test's producer
        // and arrive once the broker is back.
        var sends = new List<Task>();
        using var reading = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!reading.IsCancellationRequested)
            {
                sends.Add(_kafka.SendAsync(TestBroker.Readings, Reading, new SensorData { SensorID = Reading, Temperature = 20 }));
                await Task.Delay(500, CancellationToken.None);
            }
        });

        await Task.Delay(StaleAfter / 2);
        _kafka.Broker.SetDown();
        try
        {
            await Task.Delay(StaleAfter * 2);
        }
        finally
        {
            _kafka.Broker.SetUp();
        }

        var upAt = DateTime.UtcNow;
        var offs = await Eventually.Get(StaleOffs, offs => offs.Any(r => Sensor(r) == Silent), TimeSpan.FromSeconds(90),
            "the silent sensor's heater to be switched Off");
        await reading.CancelAsync();
        await reader;
        var readUntil = DateTime.UtcNow;
        await Task.WhenAll(sends);
        await Eventually.True(() => _kafka.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
            TimeSpan.FromSeconds(60), "every reading to be processed");

        // Once the reading sensor stops, it is silent too: an Off a timeout after its last reading is right.
        Assert.DoesNotContain(StaleOffs(), r => Sensor(r) == Reading && r.Message.Timestamp.UtcDateTime < readUntil + StaleAfter);
        var silentOff = Assert.Single(offs, r => Sensor(r) == Silent);
        Assert.True(silentOff.Message.Timestamp.UtcDateTime >= upAt - TimeSpan.FromSeconds(1), "the silent sensor was switched Off during the outage");
        await silo.StopAsync();
    }

    public void Dispose() => _kafka.Dispose();

    private List<ConsumeResult<byte[]?, byte[]?>> StaleOffs() =>
        [.. _kafka.ReadAll(TestBroker.Commands).Where(r => TestBroker.Header(r, CommandHeaders.Reason) == CommandHeaders.StaleSensor)];

    private static int Sensor(ConsumeResult<byte[]?, byte[]?> record) => HeaterControl.Parser.ParseFrom(record.Message.Value).SensorID;
}
