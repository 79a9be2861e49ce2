using System.Runtime.InteropServices;
using System.Text;

namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// librdkafka's mock cluster: a real Kafka wire-protocol broker on loopback, run by a thread of this
/// process. Used for the local default run and in tests. Data lives in memory and dies with it.
/// </summary>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private const int ProducerType = 0;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _topics = [];
    private IntPtr _handle;
    private IntPtr _cluster;

    private EmbeddedKafkaBroker(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafkaMock.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster returned no bootstrap servers.");
    }

    /// <summary>Comma-separated <c>127.0.0.1:PORT</c> list of the brokers.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>The topics created through <see cref="CreateTopic"/>, with their partition counts.</summary>
    public IReadOnlyDictionary<string, int> Topics
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_topics);
            }
        }
    }

    /// <summary>Starts a cluster with <paramref name="brokerCount"/> brokers and no rebalance delay.</summary>
    public static EmbeddedKafkaBroker Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibRdKafkaMock.EnsureLoaded();

        var errors = new byte[512];
        var conf = LibRdKafkaMock.rd_kafka_conf_new();
        // The hosting handle only keeps the cluster's books; keep it quiet.
        LibRdKafkaMock.rd_kafka_conf_set(conf, "log_level", "3", errors, (UIntPtr)errors.Length);
        var handle = LibRdKafkaMock.rd_kafka_new(ProducerType, conf, errors, (UIntPtr)errors.Length);
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {Decode(errors)}");
        }

        var cluster = LibRdKafkaMock.rd_kafka_mock_cluster_new(handle, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibRdKafkaMock.rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        // Group joins otherwise wait 3 s for more members before the first assignment.
        LibRdKafkaMock.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        return new EmbeddedKafkaBroker(handle, cluster, brokerCount);
    }

    public void CreateTopic(string topic, int partitions)
    {
        var error = LibRdKafkaMock.rd_kafka_mock_topic_create(Cluster, topic, partitions, Math.Min(3, BrokerCount));
        if (error != 0)
        {
            throw new InvalidOperationException($"Creating topic '{topic}' on the embedded broker failed: error {error}.");
        }

        lock (_gate)
        {
            _topics[topic] = partitions;
        }
    }

    /// <summary>
    /// Drops the batches of a partition that lie wholly before <paramref name="beforeOffset"/> and moves its log
    /// start there. The mock finds every fetch offset by walking the log from its oldest batch, so a short log
    /// is what keeps fetches fast under continuous traffic.
    /// </summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset) =>
        Check(LibRdKafkaMock.rd_kafka_mock_partition_delete_records(Cluster, topic, partition, beforeOffset), $"delete records of {topic}[{partition}]");

    /// <summary>Makes every broker refuse connections (fault injection); <see cref="SetUp"/> undoes it.</summary>
    public void SetDown() => Check(LibRdKafkaMock.rd_kafka_mock_broker_set_down(Cluster, -1), "set down");

    public void SetUp() => Check(LibRdKafkaMock.rd_kafka_mock_broker_set_up(Cluster, -1), "set up");

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                LibRdKafkaMock.rd_kafka_mock_cluster_destroy(_cluster);
                LibRdKafkaMock.rd_kafka_destroy(_handle);
                _cluster = IntPtr.Zero;
                _handle = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Embedded broker {what} failed: error {error}.");
        }
    }

    private static string Decode(byte[] buffer) =>
        Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));
}
