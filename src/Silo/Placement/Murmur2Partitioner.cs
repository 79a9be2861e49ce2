using System.Buffers.Binary;
using System.Buffers.Text;

namespace HeaterOrleans.Silo.Placement;

/// <summary>
/// The partition a keyed record goes to under the Java-compatible murmur2 partitioner, which our producers use
/// (librdkafka's <c>murmur2_random</c>, Java's default): the key's murmur2 hash, made positive, modulo the count.
/// </summary>
internal static class Murmur2Partitioner
{
    /// <summary>The partition of a record keyed by <paramref name="sensorId"/> as <see cref="Contracts.Codec.SensorKey"/> encodes it.</summary>
    public static int PartitionOf(long sensorId, int partitions)
    {
        Span<byte> key = stackalloc byte[20];
        Utf8Formatter.TryFormat(sensorId, key, out var length);
        return PartitionOf(key[..length], partitions);
    }

    public static int PartitionOf(ReadOnlySpan<byte> key, int partitions) => (int)((uint)Hash(key) & 0x7fffffff) % partitions;

    /// <summary>Kafka's murmur2 (seed 0x9747b28c), as <c>org.apache.kafka.common.utils.Utils.murmur2</c>.</summary>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var h = 0x9747b28cu ^ (uint)data.Length;
        var whole = data.Length & ~3;
        for (var i = 0; i < whole; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = data[whole..];
        if (tail.Length == 3)
        {
            h ^= (uint)tail[2] << 16;
        }

        if (tail.Length >= 2)
        {
            h ^= (uint)tail[1] << 8;
        }

        if (tail.Length >= 1)
        {
            h ^= tail[0];
            h *= m;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}
