using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Grains;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace HeaterOrleans.Bench.Peer;

/// <summary>
/// The per-sensor step after the stream-table join: our control law against the last command sent, kept in
/// a key-value store (changelogged to Kafka). A command is forwarded to the sink only when the action changes.
/// </summary>
internal sealed class ControlLawTransformer : ITransformer<string, ReadingWithSetting, string, HeaterControl>
{
    private readonly PeerCounters _counters;
    private ProcessorContext<string, HeaterControl>? _context;
    private IKeyValueStore<string, HeaterControl>? _lastSent;

    /// <summary>
    /// Streamiz requires <c>new()</c> and builds a throwaway prototype with it; each task's instance is then
    /// created through the constructor below, with the peer's counters as parameter.
    /// </summary>
    public ControlLawTransformer()
        : this(new PeerCounters())
    {
    }

    public ControlLawTransformer(PeerCounters counters) => _counters = counters;

    public void Init(ProcessorContext<string, HeaterControl> context)
    {
        _context = context;
        _lastSent = (IKeyValueStore<string, HeaterControl>)context.GetStateStore(StreamizPeer.LastActionStore);
    }

    public Record<string, HeaterControl>? Process(Record<string, ReadingWithSetting> record)
    {
        var (reading, setting) = record.Value;
        var context = _context!;
        // Where the record came from, read before the sink runs on this context.
        var (topic, partition, offset) = (context.Topic, context.Partition.Value, context.Offset);
        var last = _lastSent!.Get(record.Key);
        var action = ControlLaw.Decide(setting?.ToSetting(), (HeaterAction?)(int?)last?.Command, reading.Temperature);
        if (action is { } changed)
        {
            var command = changed.ToMessage(reading.SensorID);
            // Forwarded straight to the sink (synchronously, into the producer's queue), so that the record is
            // counted below only once its command is on its way. The output is queued before the changelog
            // write of the new last action, but neither waits for the other's ack: see StreamizPeer on crashes.
            context.Forward(record.Key, command);
            _lastSent.Put(record.Key, command);
            _counters.CommandSent();
        }

        _counters.Handled(topic, partition, offset);
        return null;
    }

    public void Close()
    {
    }
}
