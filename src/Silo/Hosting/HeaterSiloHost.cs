namespace HeaterOrleans.Silo.Hosting;

/// <summary>Composes the whole service; <c>Program</c> and the end-to-end tests both start it from here.</summary>
public static class HeaterSiloHost
{
    public const string DefaultUrls = "http://0.0.0.0:8080";

    /// <param name="args">Command line: configuration as <c>--Key=value</c>.</param>
    /// <param name="configureSilo">Extra silo configuration, applied last (tests add grain call filters here).</param>
    public static WebApplication Build(string[] args, Action<ISiloBuilder>? configureSilo = null)
    {
        // Content root = the binary's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        var configuration = builder.Configuration;
        // Room for the ingress drain (Ingress:DrainTimeout) and then the silo's own stop.
        var drain = configuration.GetValue<TimeSpan?>("Ingress:DrainTimeout") ?? new Ingress.IngressOptions().DrainTimeout;
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain + TimeSpan.FromSeconds(15));
        builder.Services.AddHeaterKafka(configuration);
        builder.Services.AddHeaterStorage(configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddHeaterSilo(configuration);
            configureSilo?.Invoke(silo);
        });
        // Hosted services start in registration order: these need the silo running.
        builder.Services.AddHeaterIngress(configuration);
        builder.Services.AddHeaterSimulator(configuration);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
