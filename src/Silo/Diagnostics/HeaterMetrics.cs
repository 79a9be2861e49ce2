using System.Diagnostics.Metrics;
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
        _deadLettered = _meter.CreateCounter<long>("heater.deadlettered", description: "Records sent to the dead-letter topic, by source topic");
    }

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

    public void DeadLettered(string sourceTopic)
    {
        Interlocked.Increment(ref _deadLetteredTotal);
        _deadLettered.Add(1, new KeyValuePair<string, object?>("topic", sourceTopic));
    }

    public void Dispose() => _meter.Dispose();
}
