using Microsoft.Extensions.Logging.Console;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Health;
using HeaterOrleans.Silo.Http;
using HeaterOrleans.Silo.Ingress;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Silo.Placement;
using HeaterOrleans.Silo.Simulator;
using HeaterOrleans.Silo.Storage;
using Npgsql;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>Registers the service's parts; each binds and validates its own configuration section.</summary>
public static class HeaterServiceCollectionExtensions
{
    /// <summary>Kafka access (embedded broker when none is configured), metrics and the dead-letter publisher.</summary>
    public static IServiceCollection AddHeaterKafka(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<KafkaOptions, KafkaOptionsValidator>(configuration, KafkaOptions.SectionName);
        services.AddValidatedOptions<StorageOptions, HostingOptionsValidator>(configuration, StorageOptions.SectionName);
        services.AddValidatedOptions<SiloHostingOptions, HostingOptionsValidator>(configuration, SiloHostingOptions.SectionName);
        services.AddSingleton<HeaterMetrics>();
        // Started first, so the broker's address is printed before anything else talks to it.
        services.AddSingleton<KafkaClientFactory>();
        services.AddHostedService(sp => sp.GetRequiredService<KafkaClientFactory>());
        services.AddValidatedOptions<ValueLimits, ValueLimitsValidator>(configuration, ValueLimits.SectionName);
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<SettingsPublisher>();
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(configuration, ApiOptions.SectionName);
        services.AddHeaterHealthChecks();
        return services;
    }

    /// <summary>
    /// With <c>Storage:Provider=PostgreSQL</c>: the database, and a start-up step that waits for it and applies
    /// the schema. Register before the silo, so the tables exist when clustering starts.
    /// </summary>
    public static IServiceCollection AddHeaterStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.Provider)}"];
        var connectionString = configuration[HostingOptionsValidator.ConnectionStringKey];
        if (provider == StorageOptions.PostgreSql && !string.IsNullOrWhiteSpace(connectionString))
        {
            // One pool for everything this silo does in PostgreSQL, bounded: a burst queues here instead of the
            // server refusing connections (53300) once replicas × pool exceed its max_connections.
            services.AddSingleton(sp =>
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString)
                {
                    MaxPoolSize = sp.GetRequiredService<IOptions<StorageOptions>>().Value.MaxConnections,
                    // The state statements run thousands of times a second: prepared, the server parses them once
                    // per connection instead of on every batch (it shares the machine's cores with the service).
                    MaxAutoPrepare = 16,
                };
                // But planned on every batch, for its rows and the table's size now. A plan the server caches for a
                // prepared statement is kept until the table is next analyzed: made while the table was new and
                // empty, it walked every row of the service for each batch (writes of 20-90 ms until autovacuum came
                // round, which made the bench's first 10 s at 5,000 readings/s miss its p99 by 10×).
                builder.Options = $"{builder.Options} -c plan_cache_mode=force_custom_plan".TrimStart();
                return NpgsqlDataSource.Create(builder);
            });
            services.AddHostedService<PostgreSqlStartupService>();
        }

        return services;
    }

    /// <summary>The ingress bridge and the periodic summary. Register after the silo, so they start after it.</summary>
    public static IServiceCollection AddHeaterIngress(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IngressOptions, IngressOptionsValidator>(configuration, IngressOptions.SectionName);
        services.AddSingleton<RecordHandler>();
        // Sensor grains live where their partition is consumed; the ingress tells placement what it consumes.
        services.AddKafkaSensorHome(configuration);
        services.AddSingleton<KafkaIngressService>();
        services.AddHostedService(sp => sp.GetRequiredService<KafkaIngressService>());
        // The failsafe judges silence only while readings can reach the grains (replaces the always-listening default).
        services.AddSingleton<IngressListening>();
        services.AddSingleton<IFailsafeGate>(sp => sp.GetRequiredService<IngressListening>());
        services.AddHostedService(sp => sp.GetRequiredService<IngressListening>());
        services.AddHostedService<ActivitySummaryService>();
        return services;
    }

    /// <summary>The heater simulator, when <c>Simulator:Enabled</c> (default: with the embedded broker only).</summary>
    public static IServiceCollection AddHeaterSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SimulatorOptions, SimulatorOptionsValidator>(configuration, SimulatorOptions.SectionName);
        var enabled = configuration.GetValue<bool?>($"{SimulatorOptions.SectionName}:{nameof(SimulatorOptions.Enabled)}")
            ?? string.IsNullOrWhiteSpace(configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]);
        if (enabled)
        {
            services.AddSingleton<SimulatedHeaters>();
            services.AddHostedService<HeaterSimulatorService>();
            if (configuration.GetValue<bool?>($"{SimulatorOptions.SectionName}:{nameof(SimulatorOptions.LiveConsole)}") ?? !Console.IsOutputRedirected)
            {
                // The view owns the terminal: log lines would scroll it away, so only problems are logged there.
                services.Configure<LoggerFilterOptions>(o => o.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning));
                services.AddHostedService<SimulatorConsoleService>();
            }
        }

        return services;
    }

    internal static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
