using HeaterOrleans.Silo.Health;
using HeaterOrleans.Silo.Http;
using Orleans.Dashboard;

using OpenTelemetry.Exporter;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>Composes the whole service; <c>Program</c> and the end-to-end tests both start it from here.</summary>
public static class HeaterSiloHost
{
    public const string DefaultUrls = "http://0.0.0.0:8080";

    /// <param name="args">Command line: configuration as <c>--Key=value</c>.</param>
    /// <param name="configureServices">Extra services, added last (tests add grain call filters and exporters here).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // Content root = the binary's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.Logging.AddConsole(o => o.FormatterName = Diagnostics.ShortConsoleFormatter.Name)
            .AddConsoleFormatter<Diagnostics.ShortConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        // Orleans logs every failed state operation with its stack trace under the storage's own category; during a
        // database outage that is thousands of lines. The storage reports failures itself, summarised per interval.
        builder.Logging.AddFilter(typeof(Storage.PostgreSqlGrainStorage).FullName, LogLevel.Critical);

        var configuration = builder.Configuration;
        // Room for the ingress drain (Ingress:DrainTimeout) and then the silo's own stop.
        var drain = configuration.GetValue<TimeSpan?>("Ingress:DrainTimeout") ?? new Ingress.IngressOptions().DrainTimeout;
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain + TimeSpan.FromSeconds(15));
        builder.Services.AddHeaterTelemetry(configuration);
        builder.Services.AddHeaterKafka(configuration);
        builder.Services.AddHeaterStorage(configuration);
        var dashboard = configuration.GetValue<bool>($"{ApiOptions.SectionName}:{nameof(ApiOptions.Dashboard)}");
        builder.UseOrleans(silo =>
        {
            silo.AddHeaterSilo(configuration);
            if (dashboard)
            {
                silo.AddDashboard(_ => { });
            }

        });
        // Hosted services start in registration order: these need the silo running.
        builder.Services.AddHeaterIngress(configuration);
        builder.Services.AddHeaterSimulator(configuration);

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapHeaterHealthChecks();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapSensorEndpoints();
        if (dashboard)
        {
            // Served on the service's own HTTP port; the dashboard has none of its own.
            app.MapOrleansDashboard("/dashboard");
        }

        return app;
    }
}
