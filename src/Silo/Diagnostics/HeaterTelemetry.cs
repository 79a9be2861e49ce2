using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// The service's traces: one trace per record, continued from the W3C <c>traceparent</c> header the record
/// came with (a new one when absent), through the grain call, to the command record, which carries the
/// <c>traceparent</c> of that trace.
/// </summary>
public static class HeaterTelemetry
{
    public const string SourceName = "HeaterOrleans";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The trace context a record carries in its headers; default (a new trace) when none or invalid.</summary>
    public static ActivityContext ParentOf(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out var parent))
        {
            return default;
        }

        var state = headers.TryGetLastBytes(TraceStateHeader, out var s) ? Encoding.UTF8.GetString(s) : null;
        return ActivityContext.TryParse(Encoding.UTF8.GetString(parent), state, out var context) ? context : default;
    }

    /// <summary>Writes <paramref name="activity"/>'s context as W3C headers.</summary>
    public static void Inject(Activity activity, Headers headers)
    {
        headers.Remove(TraceParentHeader);
        headers.Add(TraceParentHeader, Encoding.UTF8.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.Remove(TraceStateHeader);
            headers.Add(TraceStateHeader, Encoding.UTF8.GetBytes(activity.TraceStateString));
        }
    }

    /// <summary>A consumer span for <paramref name="record"/>, child of the trace it carries.</summary>
    public static Activity? StartConsume(ConsumeResult<byte[]?, byte[]?> record, int? sensorId)
    {
        var activity = Source.StartActivity($"process {record.Topic}", ActivityKind.Consumer, ParentOf(record.Message.Headers));
        activity?.SetTag("messaging.system", "kafka")
            .SetTag("messaging.destination.name", record.Topic)
            .SetTag("messaging.kafka.destination.partition", record.Partition.Value)
            .SetTag("messaging.kafka.message.offset", record.Offset.Value);
        if (sensorId is { } id)
        {
            activity?.SetTag("heater.sensor_id", id);
        }

        return activity;
    }
}
