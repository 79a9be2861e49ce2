using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HeaterOrleans.Chaos;

/// <summary>
/// The silo processes of the run, on PostgreSQL and the broker process. A killed silo is replaced by a new
/// process on a fresh silo port (its old address is dead in the membership table).
/// </summary>
internal sealed class SiloCluster(string siloPath, string runFolder, string bootstrapServers, string connectionString, IReadOnlyList<string> extraArgs)
    : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ChildProcess> _running = [];
    private readonly List<ChildProcess> _all = [];
    private int _started;

    public IReadOnlyList<ChildProcess> Running
    {
        get
        {
            lock (_gate)
            {
                return [.. _running];
            }
        }
    }

    public ChildProcess Start()
    {
        var number = Interlocked.Increment(ref _started);
        var name = string.Create(CultureInfo.InvariantCulture, $"silo-{number}");
        var silo = ChildProcess.Start(name, siloPath, Args(), Path.Combine(runFolder, name + ".log"));
        lock (_gate)
        {
            _running.Add(silo);
            _all.Add(silo);
        }

        return silo;
    }

    public void Kill(ChildProcess silo)
    {
        lock (_gate)
        {
            _running.Remove(silo);
        }

        silo.Kill();
    }

    /// <summary>Stops <paramref name="silo"/> as a scale-down does (SIGTERM); it no longer counts as running.</summary>
    public Task TerminateAsync(ChildProcess silo)
    {
        lock (_gate)
        {
            _running.Remove(silo);
        }

        return silo.TerminateAsync();
    }

    /// <summary>A silo is serving once its ingress consumer got partitions.</summary>
    public static Task WaitAssignedAsync(ChildProcess silo, TimeSpan timeout, CancellationToken cancellationToken) =>
        silo.WaitForLineAsync(l => l.Contains("Ingress assigned", StringComparison.Ordinal), timeout, cancellationToken);

    public void Dispose()
    {
        List<ChildProcess> all;
        lock (_gate)
        {
            all = [.. _all];
            _running.Clear();
        }

        foreach (var silo in all)
        {
            silo.Dispose();
        }
    }

    private string[] Args() =>
    [
        "--Storage:Provider=PostgreSQL",
        $"--ConnectionStrings:Orleans={connectionString}",
        "--Orleans:AdvertisedIPAddress=127.0.0.1",
        string.Create(CultureInfo.InvariantCulture, $"--Orleans:SiloPort={FreePort()}"),
        string.Create(CultureInfo.InvariantCulture, $"--urls=http://127.0.0.1:{FreePort()}"),
        "--Simulator:Enabled=false",
        $"--Kafka:BootstrapServers={bootstrapServers}",
        "--Api:AllowAnonymousWrites=true",
        // The mock broker does not long-poll, and rebalances wait session.timeout - 1 s: keep both short.
        "--Kafka:FetchWaitMaxMs=5",
        "--Kafka:SessionTimeoutMs=6000",
        "--Kafka:HeartbeatIntervalMs=500",
        "--Kafka:AutoCommitIntervalMs=200",
        // Declare a killed silo dead within seconds, so that its grains move to the survivor quickly.
        "--Orleans:Membership:ProbeTimeout=00:00:01",
        "--Orleans:Membership:NumMissedProbesLimit=2",
        "--Orleans:Membership:NumVotesForDeathDeclaration=1",
        "--Orleans:Membership:TableRefreshTimeout=00:00:02",
        "--Orleans:Membership:IAmAliveTablePublishTimeout=00:00:02",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:HeaterOrleans=Information",
        .. extraArgs,
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
