using System.Text;
using HeaterOrleans.Silo.Placement;

namespace HeaterOrleans.UnitTests;

public sealed class Murmur2PartitionerTests
{
    // Kafka's own expectations for Utils.murmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hashes_as_Kafka_does(string key, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Hash(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void A_sensor_partition_is_that_of_its_decimal_key()
    {
        for (var id = 1; id < 2_000; id += 7)
        {
            Assert.Equal(Murmur2Partitioner.PartitionOf(Contracts.Codec.SensorKey.Encode(id), 12), Murmur2Partitioner.PartitionOf(id, 12));
        }
    }
}
