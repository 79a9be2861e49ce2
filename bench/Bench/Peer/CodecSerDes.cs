using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts.Codec;
using Streamiz.Kafka.Net.SerDes;

namespace HeaterOrleans.Bench.Peer;

/// <summary>
/// Streamiz serdes over our own codec, so the peer reads and writes exactly the service's wire format
/// (protobuf, or JSON on ingress). A value that does not decode or validate throws: Streamiz then asks the
/// deserialization handler (default: fail). The peer decodes its sources in the topology, so these only
/// read back what it wrote itself (repartition topics, stores, commands).
/// </summary>
internal sealed class CodecSerDes<T> : AbstractSerDes<T>
    where T : class, IMessage<T>
{
    private readonly Func<byte[], DecodeResult<T>> _decode;

    public CodecSerDes(Func<byte[], DecodeResult<T>> decode) => _decode = decode;

    public override byte[] Serialize(T data, SerializationContext context) => MessageCodec.Encode(data);

    public override T Deserialize(byte[] data, SerializationContext context)
    {
        // Streamiz hands a null value (tombstone) to the deserializer too; our service rejects it as well.
        var result = _decode(data ?? []);
        return result.IsValid ? result.Message! : throw new InvalidDataException(result.Error);
    }
}
