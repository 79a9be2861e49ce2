using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Ingress;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Testing;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The whole loop: plain Confluent clients on one side, the service in process on the other, the embedded
/// broker between them. Asserts the exact command sequence of every sensor against the reference model and
/// that every bad record reached the dead-letter topic with its reason and origin.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private const int KeyedSensors = 12;
    private const int NullKeySensors = 4;
    private const int ReadingsPerSensor = 25;
    private readonly TestBroker _kafka = new(partitions: 4);

    [Theory]
    [InlineData(10_000, 64 * 1024 * 1024)]
    [InlineData(4, 64 * 1024 * 1024)] // constant backpressure: the consumer pauses, hands records back and resumes all the time
    [InlineData(10_000, 100)]         // the same by bytes: two or three records at a time, and a larger one alone
    public async Task Settings_and_readings_become_exactly_the_expected_commands_and_garbage_is_dead_lettered(int maxInFlight, long maxInFlightBytes)
    {
        var sensors = Enumerable.Range(1, KeyedSensors + NullKeySensors).ToList();
        var models = sensors.ToDictionary(id => id, _ => new ReferenceModel());
        var garbage = new List<DeliveryResult<byte[]?, byte[]?>>();

        // Settings and some garbage exist before the service starts: a new group must begin at the earliest record.
        foreach (var id in sensors)
        {
            var (desired, up, down) = (20.0 + (id % 3), 0.5, 0.25 * (id % 4));
            models[id].Setting(desired, up, down);
            await _kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = desired, UpDelta = up, DownDelta = down });
        }

        garbage.Add(await _kafka.ProduceAsync(TestBroker.Settings, Encoding.UTF8.GetBytes("g1"), [0xFF, 0xFF, 0xFF],
            new Headers { { "origin", Encoding.UTF8.GetBytes("test") } }));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Settings, null, Utf8("""{"sensorID":0,"desired":20}""")));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Settings, TestBroker.Key(5), Utf8("""{"sensorID":5,"desired":"NaN"}""")));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Settings, TestBroker.Key(6), null));

        await using var silo = await SiloProcess.StartAsync(
            [.. SiloProcess.OnBroker(_kafka), "--Simulator:Enabled=false", $"--Ingress:MaxInFlight={maxInFlight}", $"--Ingress:MaxInFlightBytes={maxInFlightBytes}"]);
        var grains = silo.Services.GetRequiredService<IGrainFactory>();

        // Settings and readings travel on different topics, whose relative order Kafka does not define:
        // let the settings land first so the expected sequence is well defined.
        await Eventually.True(
            () => sensors.All(id => grains.GetGrain<ISensorGrain>(id).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting is not null),
            TimeSpan.FromSeconds(60), "every sensor's setting to reach its grain");

        var random = new Random(7);
        var sends = new List<Task>();
        for (var i = 0; i < ReadingsPerSensor; i++)
        {
            foreach (var id in sensors)
            {
                var t = 17.5 + (random.Next(0, 28) * 0.25);
                models[id].Reading(t);
                sends.Add(id <= KeyedSensors
                    ? _kafka.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = t })
                    // Like the original heater: JSON, no key. One partition per sensor keeps its order.
                    : _kafka.ProduceAsync(TestBroker.Readings, null, Utf8(Invariant($$"""{"sensorID":{{id}},"temperature":{{t}}}""")), partition: id % 4));
            }
        }

        await Task.WhenAll(sends);
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Readings, null, Utf8("hello")));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Readings, TestBroker.Key(7), Utf8("""{"sensorID":7,"temperature":"Infinity"}""")));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Readings, null, new SensorData { SensorID = 0, Temperature = 20 }.ToByteArray()));
        garbage.Add(await _kafka.ProduceAsync(TestBroker.Readings, null, Utf8("""{"sensorID":3,"temperature":20,"humidity":40}""")));

        await Eventually.True(
            () => _kafka.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
            TimeSpan.FromSeconds(60), "the ingress group to commit every record");

        var commands = _kafka.ReadAll(TestBroker.Commands)
            .Select(r => (Key: Encoding.UTF8.GetString(r.Message.Key!), Command: HeaterControl.Parser.ParseFrom(r.Message.Value)))
            .ToList();
        Assert.All(commands, c => Assert.Equal(c.Command.SensorID.ToString(CultureInfo.InvariantCulture), c.Key));
        Assert.True(commands.Count > 2 * sensors.Count, $"the workload should switch heaters often; it gave {commands.Count} commands");
        foreach (var id in sensors)
        {
            var actual = commands.Where(c => c.Command.SensorID == id).Select(c => c.Command.Command == HeaterCommand.On).ToList();
            Assert.True(models[id].CommandsOn.SequenceEqual(actual),
                $"sensor {id}: expected [{string.Join(",", models[id].CommandsOn)}], got [{string.Join(",", actual)}]");
        }

        var deadLetters = _kafka.ReadAll(TestBroker.DeadLetter);
        Assert.Equal(garbage.Count, deadLetters.Count);
        foreach (var sent in garbage)
        {
            var letter = Assert.Single(deadLetters, d =>
                TestBroker.Header(d, DeadLetterPublisher.SourceTopicHeader) == sent.Topic &&
                TestBroker.Header(d, DeadLetterPublisher.SourcePartitionHeader) == sent.Partition.Value.ToString(CultureInfo.InvariantCulture) &&
                TestBroker.Header(d, DeadLetterPublisher.SourceOffsetHeader) == sent.Offset.Value.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(sent.Message.Value, letter.Message.Value);
            Assert.Equal(sent.Message.Key, letter.Message.Key);
            Assert.False(string.IsNullOrWhiteSpace(TestBroker.Header(letter, DeadLetterPublisher.ReasonHeader)));
        }

        var first = deadLetters.Single(d => d.Message.Key is not null && Encoding.UTF8.GetString(d.Message.Key) == "g1");
        Assert.Equal("test", TestBroker.Header(first, "origin"));
        Assert.Contains("not a valid protobuf", TestBroker.Header(first, DeadLetterPublisher.ReasonHeader), StringComparison.Ordinal);
        await silo.StopAsync();
    }

    [Fact]
    public async Task The_default_run_serves_an_outside_client_on_its_embedded_broker()
    {
        // No broker configured: the service starts its own, and the simulator runs sensors 1..10.
        await using var silo = await SiloProcess.StartAsync();
        var kafka = silo.Services.GetRequiredService<KafkaClientFactory>();
        Assert.NotNull(kafka.EmbeddedBroker);
        Assert.StartsWith("127.0.0.1:", kafka.BootstrapServers, StringComparison.Ordinal);

        const int sensorId = 9001;
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync("tempset", new Message<byte[]?, byte[]>
        {
            Value = Utf8($$"""{"sensorID":{{sensorId}},"desired":21.5,"upDelta":0.5,"downDelta":0.5}"""),
        });
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        await Eventually.True(
            () => grains.GetGrain<ISensorGrain>(sensorId).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting is not null,
            TimeSpan.FromSeconds(30), "the typed-in setting to reach its grain");
        foreach (var t in new[] { 18.0, 19.0, 23.0 })
        {
            // No key, like the original heater, so one partition: across partitions Kafka keeps no order, and a
            // loaded machine applied 23 before 18 ([Off, On]).
            await producer.ProduceAsync(new TopicPartition("sensor", new Partition(0)),
                new Message<byte[]?, byte[]> { Value = Utf8(Invariant($$"""{"sensorID":{{sensorId}},"temperature":{{t}}}""")) });
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "outside-client",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 5,
        }).Build();
        consumer.Subscribe("heatercontrol");
        var seen = new List<HeaterCommand>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record &&
                HeaterControl.Parser.ParseFrom(record.Message.Value) is { SensorID: sensorId } command)
            {
                seen.Add(command.Command);
            }
        }

        consumer.Close();
        Assert.Equal([HeaterCommand.On, HeaterCommand.Off], seen);
        await silo.StopAsync();
    }

    public void Dispose() => _kafka.Dispose();

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
