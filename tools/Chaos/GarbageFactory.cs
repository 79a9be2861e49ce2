using System.Text;
using Google.Protobuf;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Chaos;

/// <summary>Values the service must dead-letter, one kind of mistake each.</summary>
internal static class GarbageFactory
{
    public static (string Kind, byte[] Value) Reading(Random random, int sensorId) => random.Next(7) switch
    {
        5 => ("implausible-temperature", new SensorData { SensorID = sensorId, Temperature = 150 }.ToByteArray()),
        6 => ("json-missing-temperature", Utf8($"{{\"sensorID\":{sensorId}}}")),
        0 => ("random-bytes", RandomBytes(random, v => MessageCodec.DecodeReading(v).IsValid)),
        1 => ("json-sensor-id-0", Utf8("{\"sensorID\":0,\"temperature\":19.25}")),
        2 => ("nan-temperature", new SensorData { SensorID = sensorId, Temperature = double.NaN }.ToByteArray()),
        3 => ("json-unknown-field", Utf8($"{{\"sensorID\":{sensorId},\"temperature\":19.5,\"humidity\":40}}")),
        _ => ("empty", []),
    };

    public static (string Kind, byte[] Value) Setting(Random random, int sensorId) => random.Next(7) switch
    {
        5 => ("implausible-desired", new TemperatureControl { SensorID = sensorId, Desired = 210, UpDelta = 0.5, DownDelta = 0.5 }.ToByteArray()),
        6 => ("json-missing-deltas", Utf8($"{{\"sensorID\":{sensorId},\"desired\":21}}")),
        0 => ("random-bytes", RandomBytes(random, v => MessageCodec.DecodeSetting(v).IsValid)),
        1 => ("json-sensor-id-0", Utf8("{\"sensorID\":0,\"desired\":21,\"upDelta\":0.5,\"downDelta\":0.5}")),
        2 => ("nan-desired", new TemperatureControl { SensorID = sensorId, Desired = double.NaN, UpDelta = 0.5, DownDelta = 0.5 }.ToByteArray()),
        3 => ("json-unknown-field", Utf8($"{{\"sensorID\":{sensorId},\"desired\":21,\"upDelta\":0.5,\"downDelta\":0.5,\"mode\":1}}")),
        _ => ("negative-delta", new TemperatureControl { SensorID = sensorId, Desired = 21, UpDelta = -1, DownDelta = 0.5 }.ToByteArray()),
    };

    /// <summary>Random bytes, drawn again in the rare case they happen to decode as a valid message.</summary>
    private static byte[] RandomBytes(Random random, Func<byte[], bool> valid)
    {
        while (true)
        {
            var bytes = new byte[random.Next(3, 24)];
            random.NextBytes(bytes);
            if (!valid(bytes))
            {
                return bytes;
            }
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
