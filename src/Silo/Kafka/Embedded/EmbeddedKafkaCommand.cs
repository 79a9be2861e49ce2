using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// <c>HeaterOrleans.Silo kafka-only</c>: the embedded broker as a process of its own, so that several silo
/// processes can share it and be killed while it keeps the data. Prints its address in the usual line, then
/// takes commands on standard input for fault injection: <c>down</c> (every broker refuses connections),
/// <c>up</c>, <c>exit</c>. Stops on SIGTERM/SIGINT too.
/// </summary>
public static class EmbeddedKafkaCommand
{
    public const string Name = "kafka-only";

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables().Build();
        var options = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new();
        if (new KafkaOptionsValidator(configuration).Validate(null, options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(KafkaOptions.SectionName, typeof(KafkaOptions), invalid.Failures);
        }

        using var broker = EmbeddedKafkaBroker.Start(options.Embedded.Brokers);
        var extra = options.Embedded.ExtraTopics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var topic in options.Topics.All.Select(t => t.Name).Concat(extra).Distinct())
        {
            broker.CreateTopic(topic, options.Embedded.Partitions);
        }

        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        await using var trimmer = new EmbeddedLogTrimmer(broker, options.Embedded, options.ProtectedGroups(), loggers.CreateLogger(typeof(EmbeddedLogTrimmer)));

        Console.WriteLine($"Embedded Kafka listening on {broker.BootstrapServers} ({options.Embedded.Partitions} partitions per topic)");
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        _ = Task.Run(() => FollowCommands(broker, stop), CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine("Embedded Kafka stopped");
        return 0;
    }

    private static void FollowCommands(EmbeddedKafkaBroker broker, CancellationTokenSource stop)
    {
        // End of input is not a command: a broker started without a terminal keeps running until signalled.
        while (Console.ReadLine() is { } line)
        {
            switch (line.Trim())
            {
                case "down":
                    broker.SetDown();
                    Console.WriteLine("Embedded Kafka down");
                    break;
                case "up":
                    broker.SetUp();
                    Console.WriteLine("Embedded Kafka up");
                    break;
                case "exit":
                    stop.Cancel();
                    return;
                case "":
                    break;
                default:
                    Console.WriteLine($"Unknown command '{line.Trim()}': use down, up or exit");
                    break;
            }
        }
    }
}
