using System.Text;
using Google.Protobuf;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Contracts.Codec;

/// <summary>
/// Decodes record values as protobuf, or as protobuf JSON when the first byte is <c>{</c>
/// (no valid protobuf of these messages starts with 0x7B: it would be field 15, which none has),
/// and validates them. Never throws for bad input: the reason comes back in the result so the
/// caller can dead-letter the record.
/// </summary>
public static class MessageCodec
{
    // Unknown JSON fields are errors: a typo such as "desire" must not silently become 0.
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static DecodeResult<SensorData> DecodeReading(ReadOnlySpan<byte> value) =>
        Decode(value, SensorData.Parser, Validate);

    public static DecodeResult<TemperatureControl> DecodeSetting(ReadOnlySpan<byte> value) =>
        Decode(value, TemperatureControl.Parser, Validate);

    /// <summary>
    /// Decodes a setting addressed to <paramref name="sensorId"/> (e.g. by a URL): a missing <c>sensorID</c>
    /// takes that value, a different one is an error.
    /// </summary>
    public static DecodeResult<TemperatureControl> DecodeSettingFor(int sensorId, ReadOnlySpan<byte> value) =>
        Decode(value, TemperatureControl.Parser, setting =>
        {
            if (setting.SensorID == 0)
            {
                setting.SensorID = sensorId;
            }

            return setting.SensorID == sensorId
                ? Validate(setting)
                : $"sensorID {setting.SensorID} in the body differs from sensor {sensorId} of the request";
        });

    public static byte[] Encode(IMessage message) => message.ToByteArray();

    public static string? Validate(SensorData reading)
    {
        if (reading.SensorID <= 0)
        {
            return $"sensorID must be > 0 (was {reading.SensorID})";
        }

        return double.IsFinite(reading.Temperature) ? null : $"temperature must be finite (was {reading.Temperature})";
    }

    public static string? Validate(TemperatureControl setting)
    {
        if (setting.SensorID <= 0)
        {
            return $"sensorID must be > 0 (was {setting.SensorID})";
        }

        if (!double.IsFinite(setting.Desired))
        {
            return $"desired must be finite (was {setting.Desired})";
        }

        if (!double.IsFinite(setting.UpDelta) || setting.UpDelta < 0)
        {
            return $"upDelta must be finite and >= 0 (was {setting.UpDelta})";
        }

        return double.IsFinite(setting.DownDelta) && setting.DownDelta >= 0
            ? null
            : $"downDelta must be finite and >= 0 (was {setting.DownDelta})";
    }

    private static DecodeResult<T> Decode<T>(ReadOnlySpan<byte> value, MessageParser<T> parser, Func<T, string?> validate)
        where T : class, IMessage<T>, new()
    {
        if (value.IsEmpty)
        {
            return DecodeResult<T>.Invalid("empty record value");
        }

        T message;
        try
        {
            message = value[0] == (byte)'{'
                ? Json.Parse<T>(Encoding.UTF8.GetString(value))
                : parser.ParseFrom(value);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or DecoderFallbackException)
        {
            var form = value[0] == (byte)'{' ? "JSON" : "protobuf";
            return DecodeResult<T>.Invalid($"not a valid {form} {typeof(T).Name}: {e.Message}");
        }

        var error = validate(message);
        return error is null ? DecodeResult<T>.Valid(message) : DecodeResult<T>.Invalid(error);
    }
}
