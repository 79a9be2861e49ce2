using System.Net;
using System.Net.Sockets;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeaterOrleans.Bench;

/// <summary>The service, a silo in this process (so its CPU time is this process's), on one phase's topics.</summary>
internal sealed class ServiceVariant : IVariant
{
    private readonly WebApplication _silo;

    private ServiceVariant(WebApplication silo, PhaseTopics topics, string groupId)
    {
        _silo = silo;
        Topics = topics;
        GroupId = groupId;
        Metrics = silo.Services.GetRequiredService<HeaterMetrics>();
    }

    public string Name => BenchOptions.Service;

    public PhaseTopics Topics { get; }

    public string GroupId { get; }

    public HeaterMetrics Metrics { get; }

    public long Processed => Metrics.ReadingsTotal + Metrics.SettingsTotal;

    /// <summary>Builds the silo without starting it, so a meter can watch it from its first record on.</summary>
    public static ServiceVariant Create(BenchOptions options, string bootstrapServers, PhaseTopics topics)
    {
        string[] args =
        [
            $"--Kafka:BootstrapServers={bootstrapServers}", $"--Kafka:GroupId={topics.GroupId}", $"--Kafka:FetchWaitMaxMs={ClientTuning.FetchWaitMaxMs}", $"--Kafka:LingerMs={ClientTuning.LingerMs}",
            .. topics.ServiceArgs,
            "--Simulator:Enabled=false", "--urls=http://127.0.0.1:0", $"--Orleans:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning", $"--Failsafe:Enabled={options.Failsafe}",
            .. options.PostgreSql is { } pg ? new[] { "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Orleans={pg}", "--Orleans:AdvertisedIPAddress=127.0.0.1" } : [],
        ];
        return new ServiceVariant(HeaterSiloHost.Build(args), topics, topics.GroupId);
    }

    public Task StartAsync() => _silo.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _silo.StopAsync();
        await _silo.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
