using System.Reflection;
using System.Runtime.InteropServices;

namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// P/Invoke into the mock-cluster API of the very librdkafka that Confluent.Kafka loaded.
/// A plain DllImport("librdkafka") would resolve to the package's main librdkafka.so, which does not
/// load on Debian (it wants libsasl2.so.3), or to a system librdkafka; so the resolver hands back the
/// file Confluent actually mapped, found in /proc/self/maps.
/// </summary>
internal static partial class LibRdKafkaMock
{
    private const string Library = "librdkafka";
    private static readonly Lazy<IntPtr> Handle = new(LoadConfluentCopy);

    static LibRdKafkaMock() => NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaMock).Assembly, Resolve);

    /// <summary>Loads the library now, so that a wrong copy fails with a clear message at start.</summary>
    public static string EnsureLoaded()
    {
        _ = Handle.Value;
        return Confluent.Kafka.Library.VersionString;
    }

    [LibraryImport(Library)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)]
    internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Library)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Library)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Library)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    [LibraryImport(Library)]
    internal static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    internal static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    // librdkafka 2.15+: drops whole batches before the offset and advances the log start (run on the mock's thread).
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_partition_delete_records(IntPtr cluster, string topic, int partition, long beforeOffset);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library ? Handle.Value : IntPtr.Zero;

    private static IntPtr LoadConfluentCopy()
    {
        // Touching the version makes Confluent.Kafka load its own copy (it falls back to a loadable build).
        var version = Confluent.Kafka.Library.VersionString;
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var i and >= 0 ? line[i..] : null)
            .FirstOrDefault(p => p is not null && Path.GetFileName(p).Contains("librdkafka", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("Confluent.Kafka did not map a librdkafka into this process.");

        var expected = typeof(Confluent.Kafka.Library).Assembly.GetName().Version!;
        if (!version.StartsWith($"{expected.Major}.{expected.Minor}.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Loaded librdkafka {version} from {path}, but Confluent.Kafka {expected} needs its own build: " +
                "a system librdkafka must not be the one loaded.");
        }

        return NativeLibrary.Load(path);
    }
}
