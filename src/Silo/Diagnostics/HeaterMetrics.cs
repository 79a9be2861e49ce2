using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// The service's counters: instruments on the <c>HeaterOrleans</c> meter for exporters, and this silo's
/// running totals for the periodic console summary.
/// </summary>
public sealed class HeaterMetrics
{
    public const string MeterName = "HeaterOrleans";

    // One meter and one set of instruments per process: exporters find instruments by name, and a second
    // silo in the same process (tests, the benchmark) must add to them, not shadow them.
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Readings = Meter.CreateCounter<long>("heater.readings", description: "Readings acknowledged by their sensor grain");
    private static readonly Counter<long> Settings = Meter.CreateCounter<long>("heater.settings", description: "Settings acknowledged by their sensor grain");
    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("heater.commands", description: "Commands acknowledged by the broker, by action");
    private static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("heater.deadlettered", description: "Records sent to the dead-letter topic, by source topic and reason");
    private static readonly Counter<long> DeadLettersRefused = Meter.CreateCounter<long>(
        "heater.deadletter.refused", description: "Records the dead-letter topic refused even as a stub (e.g. no write access), skipped with an error log, by source topic");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>(
        "heater.command.latency", unit: "ms", description: "From the Kafka timestamp of a reading to the broker's ack of the command it caused");

    private static readonly ConcurrentDictionary<TopicPartition, long> SharedLag = new();

    private long _readingsTotal;
    private long _settingsTotal;
    private long _commandsTotal;
    private long _deadLetteredTotal;

    static HeaterMetrics() =>
        Meter.CreateObservableGauge("heater.ingress.lag", ObserveLag, description: "Records in a partition not yet consumed by this silo");

    /// <summary>Consumer lag by partition, kept up to date by the ingress bridge.</summary>
    public ConcurrentDictionary<TopicPartition, long> Lag => SharedLag;

    public long ReadingsTotal => Interlocked.Read(ref _readingsTotal);

    public long SettingsTotal => Interlocked.Read(ref _settingsTotal);

    public long CommandsTotal => Interlocked.Read(ref _commandsTotal);

    public long DeadLetteredTotal => Interlocked.Read(ref _deadLetteredTotal);

    public void ReadingProcessed()
    {
        Interlocked.Increment(ref _readingsTotal);
        Readings.Add(1);
    }

    public void SettingProcessed()
    {
        Interlocked.Increment(ref _settingsTotal);
        Settings.Add(1);
    }

    public void CommandPublished(HeaterAction action)
    {
        Interlocked.Increment(ref _commandsTotal);
        Commands.Add(1, new KeyValuePair<string, object?>("action", action == HeaterAction.On ? "On" : "Off"));
    }

    public void DeadLettered(string sourceTopic, string reason)
    {
        Interlocked.Increment(ref _deadLetteredTotal);
        DeadLetters.Add(1, new KeyValuePair<string, object?>("topic", sourceTopic), new KeyValuePair<string, object?>("reason", reason));
    }

    public void DeadLetterRefused(string sourceTopic) =>
        DeadLettersRefused.Add(1, new KeyValuePair<string, object?>("topic", sourceTopic));

    public void CommandLatency(TimeSpan latency) => Latency.Record(latency.TotalMilliseconds);

    /// <summary>
    /// Exports every counter at 0 from the start (a counter otherwise appears with its first event), so that
    /// <c>increase()</c> and <c>rate()</c> see the first event and dashboards and alerts find every series. The labelled
    /// ones get an unlabelled series that stays 0. Call once exporters listen.
    /// </summary>
    public static void StartAtZero()
    {
        Readings.Add(0);
        Settings.Add(0);
        Commands.Add(0, new KeyValuePair<string, object?>("action", "On"));
        Commands.Add(0, new KeyValuePair<string, object?>("action", "Off"));
        DeadLetters.Add(0);
        DeadLettersRefused.Add(0);
        GrainMetrics.StartAtZero();
    }

    private static IEnumerable<Measurement<long>> ObserveLag() =>
        SharedLag.Select(l => new Measurement<long>(
            l.Value,
            new KeyValuePair<string, object?>("topic", l.Key.Topic),
            new KeyValuePair<string, object?>("partition", l.Key.Partition.Value)));
}
