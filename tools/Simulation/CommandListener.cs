using System.Buffers.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Simulation;

/// <summary>
/// The heaters' side of the commands topic: one consumer reading every partition from the beginning, handing
/// each command to its room with the simulated time it arrived (in lockstep: the instant of its reading).
/// </summary>
internal sealed class CommandListener(ConsumerConfig config, string topic, int partitions, IReadOnlyList<Variant> variants, SimClock clock)
{
    /// <summary>A sensor outside every variant's block, used to warm the loop up before the clock starts.</summary>
    public const int WarmUpSensorId = 99 * Variant.IdBlock;

    private long _warmUpCommands;
    private long _received;
    private long _unmatched;
    private long _foreign;
    private long _malformed;
    private long _handled;

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Commands whose causing reading could not be found (no realized delay for them).</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    /// <summary>Commands for sensor IDs this run does not own.</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long WarmUpCommands => Interlocked.Read(ref _warmUpCommands);

    /// <summary>Every record consumed, of any kind, counted once its room has queued it: what the lockstep waits for.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    public void Run(CancellationToken stop)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        // Assigned, not subscribed: no group join to wait for, and the topic holds nothing from before this run.
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        while (!stop.IsCancellationRequested)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (record is null)
            {
                continue;
            }

            var arrival = clock.Now;
            Handle(record.Message, arrival);
            Interlocked.Increment(ref _handled);
        }

        consumer.Close();
    }

    private void Handle(Message<byte[]?, byte[]?> message, double arrival)
    {
        HeaterControl command;
        try
        {
            command = HeaterControl.Parser.ParseFrom(message.Value ?? []);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (command.SensorID == WarmUpSensorId)
        {
            Interlocked.Increment(ref _warmUpCommands);
            return;
        }

        var (variant, index) = Variant.Locate(command.SensorID);
        if (command.SensorID < 1 || variant >= variants.Count || index >= variants[variant].Rooms.Length)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        Interlocked.Increment(ref _received);
        var readingTime = message.Headers is { } headers && headers.TryGetLastBytes(CommandHeaders.ReadingTime, out var bytes) &&
            Utf8Parser.TryParse(bytes, out long ms, out _) ? ms : (long?)null;
        var (obeyed, delay) = variants[variant].Rooms[index].Command(command.Command == HeaterCommand.On, arrival, readingTime, atReading: clock.IsStepped);
        if (delay is { } d)
        {
            variants[variant].RealizedDelays.Add(d);
        }
        else if (obeyed)
        {
            Interlocked.Increment(ref _unmatched);
        }
    }
}
