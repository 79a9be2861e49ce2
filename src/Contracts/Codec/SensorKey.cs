using System.Globalization;
using System.Text;

namespace HeaterOrleans.Contracts.Codec;

/// <summary>
/// The Kafka key of every record our producers write for a sensor: its ID as decimal text, so that Kafka (with
/// the Java-compatible murmur2 partitioner) keeps one sensor's records on one partition, in order.
/// </summary>
public static class SensorKey
{
    public static byte[] Encode(int sensorId) => Encoding.UTF8.GetBytes(sensorId.ToString(CultureInfo.InvariantCulture));
}
