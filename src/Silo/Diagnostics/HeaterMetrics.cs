using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// The service's counters: instruments on the <c>HeaterOrleans</c> meter for exporters, and running
/// totals for the periodic console summary.
/// </summary>
public sealed class HeaterMetrics : IDisposable
{
    public const string MeterName = "HeaterOrleans";

    private readonly Meter _meter;
    private readonly Counter<long> _readings;
    private readonly Counter<long> _settings;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _latency;
    private long _readingsTotal;
    private long _settingsTotal;
    private long _commandsTotal;
    private long _deadLetteredTotal;

    public HeaterMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _readings = _meter.CreateCounter<long>("heater.readings", description: "Readings acknowledged by their sensor grain");
        _settings = _meter.CreateCounter<long>("heater.settings", description: "Settings acknowledged by their sensor grain");
        _commands = _meter.CreateCounter<long>("heater.commands", description: "Commands acknowledged by the broker, by action");
        _deadLettered = _meter.CreateCounter<long>("heater.deadlettered", description: "Records sent to the dead-letter topic, by source topic and reason");
        _latency = _meter.CreateHistogram<double>(
            "heater.command.latency", unit: "ms", description: "From the Kafka timestamp of a reading to the broker's ack of the command it caused");
        _meter.CreateObservableGauge("heater.ingress.lag", ObserveLag, description: "Records in a partition not yet consumed by this silo");
    }

    /// <summary>Consumer lag by partition, kept up to date by the ingress bridge.</summary>
    public ConcurrentDictionary<TopicPartition, long> Lag { get; } = new();

    public long ReadingsTotal => Interlocked.Read(ref _readingsTotal);

    public long SettingsTotal => Interlocked.Read(ref _settingsTotal);

    public long CommandsTotal => Interlocked.Read(ref _commandsTotal);

    public long DeadLetteredTotal => Interlocked.Read(ref _deadLetteredTotal);

    public void ReadingProcessed()
    {
        Interlocked.Increment(ref _readingsTotal);
        _readings.Add(1);
    }

    public void SettingProcessed()
    {
        Interlocked.Increment(ref _settingsTotal);
        _settings.Add(1);
    }

    public void CommandPublished(object command)
    {
        Interlocked.Increment(ref _commandsTotal);
        var action = command is HeaterControl c ? c.Command.ToString() : "other";
        _commands.Add(1, new KeyValuePair<string, object?>("action", action));
    }

    public void DeadLettered(string sourceTopic, string reason)
    {
        Interlocked.Increment(ref _deadLetteredTotal);
        _deadLettered.Add(1, new KeyValuePair<string, object?>("topic", sourceTopic), new KeyValuePair<string, object?>("reason", reason));
    }

    public void CommandLatency(TimeSpan latency) => _latency.Record(latency.TotalMilliseconds);

    private IEnumerable<Measurement<long>> ObserveLag() =>
        Lag.Select(l => new Measurement<long>(
            l.Value,
            new KeyValuePair<string, object?>("topic", l.Key.Topic),
            new KeyValuePair<string, object?>("partition", l.Key.Partition.Value)));

    public void Dispose() => _meter.Dispose();
}
