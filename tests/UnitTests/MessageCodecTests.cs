using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.UnitTests;

public class MessageCodecTests
{
    [Fact]
    public void Round_trips_protobuf_settings_and_readings()
    {
        var setting = new TemperatureControl { SensorID = 7, Desired = 21.5, UpDelta = 0.5, DownDelta = 0.25 };
        var reading = new SensorData { SensorID = 7, Temperature = -3.75 };

        Assert.Equal(setting, MessageCodec.DecodeSetting(MessageCodec.Encode(setting)).Message);
        Assert.Equal(reading, MessageCodec.DecodeReading(MessageCodec.Encode(reading)).Message);
    }

    [Fact]
    public void Decodes_bytes_as_any_proto3_producer_writes_them()
    {
        // SensorData{sensorID=7, temperature=21.5}: tag 1 varint, tag 2 fixed64 little-endian double.
        var bytes = new byte[11];
        bytes[0] = 0x08;
        bytes[1] = 0x07;
        bytes[2] = 0x11;
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(3), 21.5);

        var decoded = MessageCodec.DecodeReading(bytes);

        Assert.True(decoded.IsValid, decoded.Error);
        Assert.Equal(7, decoded.Message!.SensorID);
        Assert.Equal(21.5, decoded.Message.Temperature);
    }

    [Fact]
    public void Default_values_are_omitted_on_the_wire_and_read_back()
    {
        // proto3 writes nothing for On (= 0): a heater reading the original messages.proto sees On.
        var on = new HeaterControl { SensorID = 7, Command = HeaterCommand.On };
        Assert.Equal(new byte[] { 0x08, 0x07 }, on.ToByteArray());
        Assert.Equal(HeaterCommand.On, HeaterControl.Parser.ParseFrom([0x08, 0x07]).Command);
        Assert.Equal(new byte[] { 0x08, 0x07, 0x10, 0x01 }, new HeaterControl { SensorID = 7, Command = HeaterCommand.Off }.ToByteArray());

        // A setting with desired 0 and no deltas is just the sensor ID.
        var decoded = MessageCodec.DecodeSetting([0x08, 0x07]);
        Assert.True(decoded.IsValid, decoded.Error);
        Assert.Equal(new TemperatureControl { SensorID = 7 }, decoded.Message);
    }

    [Fact]
    public void Accepts_the_json_form()
    {
        var setting = MessageCodec.DecodeSetting(Utf8("""{"sensorID":7,"desired":21.5,"upDelta":0.5,"downDelta":0.5}"""));
        var reading = MessageCodec.DecodeReading(Utf8("""{"sensorID":7,"temperature":19.25}"""));

        Assert.Equal(new TemperatureControl { SensorID = 7, Desired = 21.5, UpDelta = 0.5, DownDelta = 0.5 }, setting.Message);
        Assert.Equal(new SensorData { SensorID = 7, Temperature = 19.25 }, reading.Message);
    }

    [Theory]
    [InlineData("", "empty record value")]
    [InlineData("{\"sensorID\":7,\"desired\":21.5", "not a valid JSON")]
    [InlineData("{\"sensorID\":7,\"desire\":21.5}", "not a valid JSON")]
    [InlineData("{\"sensorID\":\"seven\",\"desired\":21.5}", "not a valid JSON")]
    [InlineData("{\"sensorID\":0,\"desired\":21.5,\"upDelta\":0,\"downDelta\":0}", "sensorID must be > 0")]
    [InlineData("{\"sensorID\":-4,\"desired\":21.5,\"upDelta\":0,\"downDelta\":0}", "sensorID must be > 0")]
    [InlineData("{\"sensorID\":7,\"desired\":\"NaN\",\"upDelta\":0,\"downDelta\":0}", "desired must be finite")]
    [InlineData("{\"sensorID\":7,\"desired\":\"Infinity\",\"upDelta\":0,\"downDelta\":0}", "desired must be finite")]
    [InlineData("{\"sensorID\":7,\"desired\":20,\"upDelta\":-0.5,\"downDelta\":0}", "upDelta must be within 0…10 (was -0.5)")]
    [InlineData("{\"sensorID\":7,\"desired\":20,\"upDelta\":0,\"downDelta\":\"-Infinity\"}", "downDelta must be finite")]
    [InlineData("{\"sensorID\":7,\"desired\":20,\"upDelta\":0.5,\"downDelta\":10.5}", "downDelta must be within 0…10 (was 10.5)")]
    [InlineData("{\"sensorID\":7,\"desired\":210,\"upDelta\":0.5,\"downDelta\":0.5}", "desired must be within -30…60 (was 210)")]
    [InlineData("{\"sensorID\":7,\"desired\":-31,\"upDelta\":0.5,\"downDelta\":0.5}", "desired must be within -30…60 (was -31)")]
    [InlineData("{}", "lacks sensorID, desired, upDelta, downDelta")]
    [InlineData("{\"sensorID\":7,\"desired\":20}", "lacks upDelta, downDelta")]
    public void Rejects_invalid_settings_with_a_reason(string value, string reason)
    {
        var decoded = MessageCodec.DecodeSetting(Utf8(value));
        Assert.False(decoded.IsValid);
        Assert.Contains(reason, decoded.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"sensorID\":7,\"temperature\":\"NaN\"}", "temperature must be finite")]
    [InlineData("{\"sensorID\":0,\"temperature\":20}", "sensorID must be > 0")]
    [InlineData("{\"sensorID\":7,\"temperature\":100.5}", "temperature must be within -50…100 (was 100.5)")]
    [InlineData("{\"sensorID\":7,\"temperature\":-273.15}", "temperature must be within -50…100 (was -273.15)")]
    // Not a reading of 0 °C, which would switch the heater On.
    [InlineData("{\"sensorID\":7}", "JSON SensorData lacks temperature")]
    [InlineData("not a reading", "")]
    public void Rejects_invalid_readings_with_a_reason(string value, string reason)
    {
        var decoded = MessageCodec.DecodeReading(Utf8(value));
        Assert.False(decoded.IsValid);
        Assert.Contains(reason, decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Protobuf_keeps_proto3_semantics_and_json_takes_the_field_s_proto_name_too()
    {
        // Original producers omit zeros: a reading of 0 °C is just the sensor ID on the wire.
        Assert.Equal(new SensorData { SensorID = 7 }, MessageCodec.DecodeReading([0x08, 0x07]).Message);
        Assert.True(MessageCodec.DecodeReading(Utf8("""{"sensorID":7,"temperature":0}""")).IsValid);
        // A setting by URL needs no sensorID in its body, but every other field.
        Assert.True(MessageCodec.DecodeSettingFor(7, Utf8("""{"desired":21,"upDelta":0.5,"downDelta":0.5}""")).IsValid);
        Assert.Contains("lacks downDelta", MessageCodec.DecodeSettingFor(7, Utf8("""{"desired":21,"upDelta":0.5}""")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var limits = new ValueLimits { MinTemperature = -10, MaxTemperature = 200, MinDesired = 40, MaxDesired = 90, MaxDelta = 20 };

        Assert.True(MessageCodec.DecodeReading(Utf8("""{"sensorID":7,"temperature":150}"""), limits).IsValid);
        Assert.Contains("within -10…200", MessageCodec.DecodeReading(Utf8("""{"sensorID":7,"temperature":-20}"""), limits).Error, StringComparison.Ordinal);
        Assert.True(MessageCodec.DecodeSetting(Utf8("""{"sensorID":7,"desired":85,"upDelta":15,"downDelta":1}"""), limits).IsValid);
        Assert.Contains("desired must be within 40…90", MessageCodec.DecodeSetting(Utf8("""{"sensorID":7,"desired":20,"upDelta":1,"downDelta":1}"""), limits).Error, StringComparison.Ordinal);
        Assert.Empty(limits.Problems());
        Assert.NotEmpty(new ValueLimits { MinDesired = 60, MaxDesired = 60 }.Problems());
    }

    [Fact]
    public void A_reason_that_echoes_huge_input_is_capped()
    {
        var name = new string('x', 500_000);
        var decoded = MessageCodec.DecodeReading(Utf8($$"""{"{{name}}":1}"""));

        Assert.False(decoded.IsValid);
        Assert.InRange(decoded.Error!.Length, 100, ReasonText.MaxLength);
    }

    [Fact]
    public void Rejects_protobuf_garbage()
    {
        // A truncated fixed64 and a wire type that does not exist.
        Assert.Contains("not a valid protobuf", MessageCodec.DecodeReading([0x08, 0x07, 0x11, 0x00]).Error, StringComparison.Ordinal);
        Assert.Contains("not a valid protobuf", MessageCodec.DecodeSetting([0x0F, 0xFF, 0xFF]).Error, StringComparison.Ordinal);
        // Valid protobuf of the wrong shape (temperature sent as a varint) is still no sensor.
        Assert.False(MessageCodec.DecodeReading([0x10, 0x05]).IsValid);
        // Infinity encoded in binary is rejected like its JSON form.
        var infinite = new SensorData { SensorID = 3, Temperature = double.PositiveInfinity }.ToByteArray();
        Assert.Contains("temperature must be finite", MessageCodec.DecodeReading(infinite).Error, StringComparison.Ordinal);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
