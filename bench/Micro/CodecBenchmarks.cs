using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Micro;

/// <summary>Decoding and validating one record value, as the ingress bridge does for every record.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly byte[] _readingProtobuf = new SensorData { SensorID = 4711, Temperature = 21.25 }.ToByteArray();
    private readonly byte[] _readingJson = Encoding.UTF8.GetBytes("""{"sensorID":4711,"temperature":21.25}""");
    private readonly byte[] _settingProtobuf = new TemperatureControl { SensorID = 4711, Desired = 21.5, UpDelta = 0.5, DownDelta = 0.5 }.ToByteArray();
    private readonly byte[] _garbage = [0x0F, 0xFF, 0xFF, 0x01];

    [Benchmark(Baseline = true)]
    public DecodeResult<SensorData> ReadingProtobuf() => MessageCodec.DecodeReading(_readingProtobuf);

    [Benchmark]
    public DecodeResult<SensorData> ReadingJson() => MessageCodec.DecodeReading(_readingJson);

    [Benchmark]
    public DecodeResult<TemperatureControl> SettingProtobuf() => MessageCodec.DecodeSetting(_settingProtobuf);

    [Benchmark]
    public DecodeResult<SensorData> Garbage() => MessageCodec.DecodeReading(_garbage);

    [Benchmark]
    public byte[] EncodeCommand() => new HeaterControl { SensorID = 4711, Command = HeaterCommand.Off }.ToByteArray();
}
