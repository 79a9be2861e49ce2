using System.Diagnostics;
using System.Net.Http.Headers;
using OpenTelemetry.Trace;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The whole service on a test broker, with its HTTP API on a loopback port, a write token, and every span
/// it records collected by OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const string Token = "s3cret-token";

    public TestBroker Kafka { get; } = new(partitions: 2);

    public List<Activity> Spans { get; } = [];

    public WebApplication Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync(
            [.. SiloProcess.OnBroker(Kafka), "--Simulator:Enabled=false", $"--Api:Token={Token}", "--Telemetry:Traces=true"],
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));
        Http = new HttpClient { BaseAddress = new Uri(Silo.Urls.First()) };
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, string? token = Token) =>
        new(method, path) { Headers = { Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token) } };

    public List<Activity> SpansOf(ActivityTraceId trace)
    {
        // The exporter appends from other threads; a copy that raced with an append is simply taken again.
        while (true)
        {
            try
            {
                return [.. Spans.ToArray().Where(s => s.TraceId == trace)];
            }
            catch (ArgumentException)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Silo.StopAsync();
        await Silo.DisposeAsync();
        Kafka.Dispose();
    }
}
