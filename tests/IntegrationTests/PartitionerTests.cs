using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Placement;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Placement computes a sensor's readings partition itself: it must be the partition librdkafka's murmur2 partitioner
/// (what our producers and Java's default use) really puts the sensor's records on.
/// </summary>
public sealed class PartitionerTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    public async Task The_partition_of_a_sensor_is_where_the_broker_puts_its_records(int partitions)
    {
        using var kafka = new TestBroker(partitions);
        var sensors = Enumerable.Range(1, 400).Concat([99_999, 1_234_567, int.MaxValue]).ToList();

        var delivered = await Task.WhenAll(sensors.Select(id => kafka.SendAsync(TestBroker.Readings, id, new SensorData { SensorID = id, Temperature = 20 })));

        Assert.Equal(
            sensors.Select(id => Murmur2Partitioner.PartitionOf(id, partitions)),
            delivered.Select(d => d.Partition.Value));
        Assert.Equal(partitions, delivered.Select(d => d.Partition.Value).Distinct().Count());
    }
}
