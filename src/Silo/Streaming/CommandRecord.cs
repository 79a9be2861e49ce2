using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>
/// The one mapping from a <see cref="HeaterCommandIssued"/> to its Kafka record: key = the sensor key, value = the
/// <c>HeaterControl</c> protobuf, headers <c>heater-sequence</c> and <c>heater-reading-time</c> (or
/// <c>heater-reason</c> when no reading caused it), all as decimal text.
/// </summary>
public static class CommandRecord
{
    public static Message<byte[], byte[]> From(HeaterCommandIssued command)
    {
        var headers = new Headers { { CommandHeaders.Sequence, Ascii(command.Sequence) } };
        if (command.ReadingTime is { } readAt)
        {
            headers.Add(CommandHeaders.ReadingTime, Ascii(readAt.ToUnixTimeMilliseconds()));
        }
        else
        {
            headers.Add(CommandHeaders.Reason, Encoding.ASCII.GetBytes(ReasonText(command.Reason)));
        }

        return new Message<byte[], byte[]>
        {
            Key = SensorKey.Encode(command.SensorId),
            Value = MessageCodec.Encode(command.Action.ToMessage(command.SensorId)),
            Headers = headers,
        };
    }

    private static string ReasonText(CommandReason reason) => reason switch
    {
        CommandReason.StaleSensor => CommandHeaders.StaleSensor,
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static byte[] Ascii(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
