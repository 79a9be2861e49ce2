using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
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

    public static DecodeResult<SensorData> DecodeReading(ReadOnlySpan<byte> value, ValueLimits? limits = null) =>
        Decode(value, SensorData.Parser, r => Validate(r, limits ?? ValueLimits.Default));

    public static DecodeResult<TemperatureControl> DecodeSetting(ReadOnlySpan<byte> value, ValueLimits? limits = null) =>
        Decode(value, TemperatureControl.Parser, s => Validate(s, limits ?? ValueLimits.Default));

    /// <summary>
    /// Decodes a setting addressed to <paramref name="sensorId"/> (e.g. by a URL): a missing <c>sensorID</c>
    /// takes that value, a different one is an error.
    /// </summary>
    public static DecodeResult<TemperatureControl> DecodeSettingFor(int sensorId, ReadOnlySpan<byte> value, ValueLimits? limits = null) =>
        Decode(value, TemperatureControl.Parser, setting =>
        {
            if (setting.SensorID == 0)
            {
                setting.SensorID = sensorId;
            }

            return setting.SensorID == sensorId
                ? Validate(setting, limits ?? ValueLimits.Default)
                : $"sensorID {setting.SensorID} in the body differs from sensor {sensorId} of the request";
        }, optionalJsonField: "sensorID");

    public static byte[] Encode(IMessage message) => message.ToByteArray();

    public static string? Validate(SensorData reading, ValueLimits limits)
    {
        if (reading.SensorID <= 0)
        {
            return $"sensorID must be > 0 (was {reading.SensorID})";
        }

        return Within("temperature", reading.Temperature, limits.MinTemperature, limits.MaxTemperature);
    }

    public static string? Validate(TemperatureControl setting, ValueLimits limits)
    {
        if (setting.SensorID <= 0)
        {
            return $"sensorID must be > 0 (was {setting.SensorID})";
        }

        return Within("desired", setting.Desired, limits.MinDesired, limits.MaxDesired)
            ?? Within("upDelta", setting.UpDelta, 0, limits.MaxDelta)
            ?? Within("downDelta", setting.DownDelta, 0, limits.MaxDelta);
    }

    private static string? Within(string field, double value, double min, double max) =>
        !double.IsFinite(value) ? $"{field} must be finite (was {value})"
        : value < min || value > max ? FormattableString.Invariant($"{field} must be within {min}…{max} (was {value})")
        : null;

    private static DecodeResult<T> Decode<T>(ReadOnlySpan<byte> value, MessageParser<T> parser, Func<T, string?> validate, string? optionalJsonField = null)
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

        // proto3 cannot tell a missing field from a zero, and original producers omit zeros on the wire; a person
        // typing JSON who leaves a field out has forgotten it ({"sensorID":7} is not a reading of 0 °C).
        var error = (value[0] == (byte)'{' ? MissingJsonField(value, message.Descriptor, optionalJsonField) : null) ?? validate(message);
        return error is null ? DecodeResult<T>.Valid(message) : DecodeResult<T>.Invalid(error);
    }

    private static string? MissingJsonField(ReadOnlySpan<byte> json, MessageDescriptor descriptor, string? optional)
    {
        var missing = descriptor.Fields.InFieldNumberOrder().Select(f => f.JsonName).Where(n => n != optional).ToHashSet(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read() && missing.Count > 0)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    // The protobuf JSON parser accepts the field's proto name as well as its JSON name.
                    var name = reader.GetString()!;
                    missing.RemoveWhere(n => n == name || descriptor.FindFieldByName(name)?.JsonName == n);
                }
            }
        }
        catch (JsonException e)
        {
            return $"not valid JSON: {e.Message}";
        }

        return missing.Count == 0 ? null : $"JSON {descriptor.Name} lacks {string.Join(", ", missing)} (every field is required in JSON)";
    }
}
