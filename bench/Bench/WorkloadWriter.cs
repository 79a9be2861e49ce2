using HeaterOrleans.Contracts.Codec;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Kafka;

namespace HeaterOrleans.Bench;

/// <summary>
/// Produces the benchmark's input, keyed by sensor ID: a setting per sensor, then readings that wander
/// around each sensor's band so that a realistic share of them switch the heater.
/// </summary>
/// <remarks>
/// Keys map to partitions by murmur2, as the service's own producers, Java clients and the latency runs' producer
/// process map them: the peer joins settings and readings by partition, and placement by partition finds a
/// sensor's home there.
/// </remarks>
internal sealed class WorkloadWriter(string bootstrapServers) : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        LingerMs = 5,
        BatchNumMessages = 10_000,
        Acks = Acks.All,
        EnableIdempotence = true,
        Partitioner = Partitioner.Murmur2Random,
    }).Build();

    public static double Desired(int sensor) => 19 + (sensor % 5);

    public void Settings(string topic, int firstSensor, int count, Func<int, double>? desired = null)
    {
        for (var sensor = firstSensor; sensor < firstSensor + count; sensor++)
        {
            var value = new TemperatureControl { SensorID = sensor, Desired = (desired ?? Desired)(sensor), UpDelta = 0.5, DownDelta = 0.5 };
            Produce(topic, sensor, value);
        }

        _producer.Flush();
    }

    /// <summary>Returns the share of readings that cross the band (an upper bound of commands).</summary>
    public double Readings(string topic, int sensors, int readings, int seed = 7)
    {
        var random = new Random(seed);
        var temperature = Enumerable.Range(0, sensors + 1).Select(s => Desired(s)).ToArray();
        var crossings = 0;
        for (var i = 0; i < readings; i++)
        {
            var sensor = 1 + (i % sensors);
            var step = (random.NextDouble() - 0.5) * 1.2;
            temperature[sensor] = Math.Clamp(temperature[sensor] + step, Desired(sensor) - 2, Desired(sensor) + 2);
            if (Math.Abs(temperature[sensor] - Desired(sensor)) > 0.5)
            {
                crossings++;
            }

            Produce(topic, sensor, new SensorData { SensorID = sensor, Temperature = temperature[sensor] });
        }

        _producer.Flush();
        return (double)crossings / readings;
    }

    public void Produce(string topic, int sensor, IMessage message) =>
        _producer.ProduceWhenQueued(topic, new Message<byte[], byte[]> { Key = SensorKey.Encode(sensor), Value = message.ToByteArray() });

    public void Flush() => _producer.Flush();

    public void Dispose() => _producer.Dispose();
}
