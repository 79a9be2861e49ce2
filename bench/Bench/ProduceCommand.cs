using HeaterOrleans.Contracts.Codec;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Tools;

namespace HeaterOrleans.Bench;

/// <summary>
/// <c>HeaterOrleans.Bench produce</c>: offers readings at a fixed rate from a process of its own, so that neither its
/// CPU time nor its pauses count against the variant measured in the bench process. Plain Confluent producer,
/// linger 2 ms (as the service's producers), records keyed by sensor and stamped with their create time, which is
/// what latencies are measured from. It prints when the warm-up ends (the bench starts its clocks then) and, last,
/// what it offered.
/// </summary>
/// <remarks>
/// Sensor <c>s</c>'s readings go 10, 10, 30, 30, 10, ... °C against a setting of 20 ± 0.5: every second reading
/// flips its heater, so half of the readings cause a command (the first one switches it On).
/// </remarks>
public static class ProduceCommand
{
    public const string Name = "produce";

    public static int Run(string[] args)
    {
        var options = CommandLineOptions.Parse<ProduceOptions>(args);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            LingerMs = ClientTuning.LingerMs,
            Acks = Acks.All,
            EnableIdempotence = true,
            // As the service's own producers and Java clients key: placement by partition finds a sensor's home there.
            Partitioner = Partitioner.Murmur2Random,
        }).Build();

        long failed = 0;
        var total = (long)options.Rate * (options.WarmupSeconds + options.Seconds);
        var warmup = (long)options.Rate * options.WarmupSeconds;
        var expectedCommands = 0L;
        Console.WriteLine($"producing {total:N0} readings to {options.Topic} at {options.Rate:N0}/s over {options.Sensors:N0} sensors, the first {options.WarmupSeconds} s as warm-up");
        var clock = Stopwatch.StartNew();
        for (long sent = 0; sent < total; sent++)
        {
            // Reading n leaves at n / rate seconds; a short sleep when ahead, none when behind (it catches up).
            while (clock.Elapsed.TotalSeconds < (double)sent / options.Rate)
            {
                Thread.Sleep(1);
            }

            if (sent == warmup)
            {
                Console.WriteLine(ProducerResult.MeasuringPrefix + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            }

            var round = sent / options.Sensors;
            var sensor = options.FirstSensor + (int)(sent % options.Sensors);
            expectedCommands += round % 2 == 0 ? 1 : 0;
            var reading = new SensorData { SensorID = sensor, Temperature = round / 2 % 2 == 0 ? 10 : 30 };
            producer.ProduceWhenQueued(
                options.Topic, new Message<byte[], byte[]> { Key = SensorKey.Encode(sensor), Value = reading.ToByteArray() },
                report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failed);
                    }
                });
        }

        var seconds = clock.Elapsed.TotalSeconds;
        producer.Flush();
        var result = new ProducerResult(total - Interlocked.Read(ref failed), Interlocked.Read(ref failed), seconds, expectedCommands);
        Console.WriteLine(ProducerResult.Prefix + JsonSerializer.Serialize(result));
        return 0;
    }
}
