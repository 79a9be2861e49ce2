using System.Net;
using System.Net.Sockets;
using HeaterOrleans.Silo.Hosting;

namespace HeaterOrleans.IntegrationTests;

/// <summary>The whole service, started in process exactly as <c>Program</c> starts it, on free loopback ports.</summary>
public static class SiloProcess
{
    public static Task<WebApplication> StartAsync(params string[] args) => StartAsync(args, configureServices: null);

    public static async Task<WebApplication> StartAsync(string[] args, Action<IServiceCollection>? configureServices)
    {
        var app = HeaterSiloHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Orleans:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            .. args,
        ], configureServices);
        await app.StartAsync();
        return app;
    }

    /// <summary>Arguments that point the service at a test broker, tuned for the mock's fetch and rebalance behaviour.</summary>
    public static string[] OnBroker(TestBroker kafka) =>
    [
        $"--Kafka:BootstrapServers={kafka.BootstrapServers}",
        "--Kafka:FetchWaitMaxMs=5",
        "--Kafka:SessionTimeoutMs=6000",
        "--Kafka:HeartbeatIntervalMs=500",
        "--Kafka:AutoCommitIntervalMs=200",
        // A test broker is not the embedded setup: writes would need a token (tests that check it set one).
        "--Api:AllowAnonymousWrites=true",
    ];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
