using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Ingress;
using Orleans.Concurrency;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Records that are valid on the wire but whose processing fails: a permanent failure is dead-lettered with
/// its reason after a few attempts and the sensor goes on; a transient one is retried until it succeeds.
/// The failures are injected by a real Orleans grain call filter in the service's silo.
/// </summary>
public sealed class ProcessingFailureTests : IDisposable
{
    private const int PoisonedSensor = 13;
    private const int FlakySensor = 14;
    private const double PoisonTemperature = 13.13;
    private readonly TestBroker _kafka = new(partitions: 2);

    [Fact]
    public async Task Permanent_failures_are_dead_lettered_and_transient_ones_retried()
    {
        var flakyFailures = 0;
        await using var silo = await SiloProcess.StartAsync(
            [.. SiloProcess.OnBroker(_kafka), "--Simulator:Enabled=false", "--Ingress:RetryDelay=00:00:00.01", "--Ingress:MaxRetryDelay=00:00:00.05"],
            services => services.AddSingleton<IIncomingGrainCallFilter>(new FailureInjector(() => Interlocked.Increment(ref flakyFailures))));

        foreach (var id in new[] { PoisonedSensor, FlakySensor })
        {
            await _kafka.SendAsync(TestBroker.Settings, id, new TemperatureControl { SensorID = id, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 });
        }

        await Eventually.True(() => _kafka.GroupCaughtUp("heater-controller", TestBroker.Settings), TimeSpan.FromSeconds(30), "settings applied");
        var poison = await _kafka.SendAsync(TestBroker.Readings, PoisonedSensor, new SensorData { SensorID = PoisonedSensor, Temperature = PoisonTemperature });
        await _kafka.SendAsync(TestBroker.Readings, PoisonedSensor, new SensorData { SensorID = PoisonedSensor, Temperature = 25 });
        await _kafka.SendAsync(TestBroker.Readings, FlakySensor, new SensorData { SensorID = FlakySensor, Temperature = 10 });

        await Eventually.True(() => _kafka.GroupCaughtUp("heater-controller", TestBroker.Readings), TimeSpan.FromSeconds(30), "every reading committed");
        var commands = _kafka.ReadAll(TestBroker.Commands).Select(r => HeaterControl.Parser.ParseFrom(r.Message.Value)).ToList();
        Assert.Equal(
            [new HeaterControl { SensorID = PoisonedSensor, Command = HeaterCommand.Off }],
            commands.Where(c => c.SensorID == PoisonedSensor));   // the sensor went on after its poisoned reading
        Assert.Equal(
            [new HeaterControl { SensorID = FlakySensor, Command = HeaterCommand.On }],
            commands.Where(c => c.SensorID == FlakySensor));      // retried through its failures, sent once
        Assert.True(flakyFailures > 3);

        var letter = Assert.Single(_kafka.ReadAll(TestBroker.DeadLetter));
        Assert.Equal(poison.Message.Value, letter.Message.Value);
        Assert.True(letter.Message.Headers.TryGetLastBytes(DeadLetterPublisher.ReasonHeader, out var reason));
        Assert.Contains("ArgumentException: this reading cannot be applied", Encoding.UTF8.GetString(reason), StringComparison.Ordinal);
        await silo.StopAsync();
    }

    public void Dispose() => _kafka.Dispose();

    /// <summary>A real grain call filter in the service's silo that fails chosen calls.</summary>
    private sealed class FailureInjector(Func<int> countFlakyFailure) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext call)
        {
            // The ingress delivers what queued up for a sensor in one call: a batch fails when any of its readings would.
            var readings = call.Request.GetArgument(0) switch
            {
                SensorReading one => [one],
                Immutable<SensorUpdate[]> batch => batch.Value.Select(u => u.Reading).OfType<SensorReading>().ToList(),
                _ => new List<SensorReading>(),
            };
            if (readings.Count > 0 && call.TargetContext.GrainId.GetIntegerKey() is var id)
            {
                if (id == PoisonedSensor && readings.Any(r => r.Temperature == PoisonTemperature))
                {
                    throw new ArgumentException("this reading cannot be applied");
                }

                if (id == FlakySensor && countFlakyFailure() <= 3)
                {
                    throw new TimeoutException("storage is slow today");
                }
            }

            await call.Invoke();
        }
    }
}
