using System.Net;
using System.Net.Sockets;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Ingress;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Bench;

/// <summary>
/// The service, a silo in this process (so its CPU time is this process's), on one phase's topics, with its sensor
/// state in memory (<c>service</c>) or in PostgreSQL (<c>service-pg</c>).
/// </summary>
internal sealed class ServiceVariant : IVariant
{
    private readonly WebApplication _silo;

    private ServiceVariant(string name, WebApplication silo, PhaseTopics topics, string groupId)
    {
        Name = name;
        _silo = silo;
        Topics = topics;
        GroupId = groupId;
        Metrics = silo.Services.GetRequiredService<HeaterMetrics>();
    }

    public string Name { get; }

    public PhaseTopics Topics { get; }

    public string GroupId { get; }

    public HeaterMetrics Metrics { get; }

    public long Processed => Metrics.ReadingsTotal + Metrics.SettingsTotal;

    /// <summary>The count is per process: only one silo runs at a time, so differences over a phase are this one's.</summary>
    public long? StateWrites => GrainMetrics.Writes;

    /// <summary>The silo's <c>Storage:MaxConnections</c> as configured (from its environment: the bench passes none); null when unset.</summary>
    public string? MaxConnections => _silo.Services.GetRequiredService<IConfiguration>()["Storage:MaxConnections"];

    /// <summary>The silo's <c>Ingress:MaxRetryDelay</c> as in force (the bench passes none: its default).</summary>
    public TimeSpan MaxRetryDelay => _silo.Services.GetRequiredService<IOptions<IngressOptions>>().Value.MaxRetryDelay;

    /// <summary>The silo's <c>Failsafe:StaleAfter</c>; null when its failsafe is off.</summary>
    public TimeSpan? FailsafeAfter => _silo.Services.GetRequiredService<IOptions<FailsafeOptions>>().Value is { Enabled: true } f ? f.StaleAfter : null;

    /// <summary>Builds the silo without starting it, so a meter can watch it from its first record on.</summary>
    /// <param name="postgreSql">The phase's database (Npgsql connection string); null keeps the state in memory.</param>
    public static ServiceVariant Create(BenchOptions options, string bootstrapServers, PhaseTopics topics, string? postgreSql = null)
    {
        string[] args =
        [
            $"--Kafka:BootstrapServers={bootstrapServers}", "--Api:AllowAnonymousWrites=true", $"--Kafka:GroupId={topics.GroupId}", $"--Kafka:FetchWaitMaxMs={ClientTuning.FetchWaitMaxMs}", $"--Kafka:LingerMs={ClientTuning.LingerMs}",
            .. topics.ServiceArgs,
            "--Simulator:Enabled=false", "--urls=http://127.0.0.1:0", $"--Orleans:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning", $"--Failsafe:Enabled={options.Failsafe}",
            .. postgreSql is { } pg ? new[] { "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Orleans={pg}", "--Orleans:AdvertisedIPAddress=127.0.0.1" } : [],
        ];
        return new ServiceVariant(
            postgreSql is null ? BenchOptions.Service : BenchOptions.ServicePg, HeaterSiloHost.Build(args), topics, topics.GroupId);
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
