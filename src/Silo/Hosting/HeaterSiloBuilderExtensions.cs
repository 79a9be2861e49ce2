using System.Net;
using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Silo.Placement;
using HeaterOrleans.Silo.Security;
using HeaterOrleans.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>The Orleans side of the service: clustering, sensor state storage and the Kafka egress stream.</summary>
public static class HeaterSiloBuilderExtensions
{
    /// <summary>ADO.NET provider name of Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder AddHeaterSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Read now, not at start: clustering is configured from it while the host is being built.
        var hosting = configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new();
        if (new HostingOptionsValidator(configuration).Validate(null, hosting) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(SiloHostingOptions.SectionName, typeof(SiloHostingOptions), invalid.Failures);
        }

        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new();
        if (storage.Provider == StorageOptions.PostgreSql)
        {
            silo.AddPostgreSql(hosting);
            if (hosting.Kubernetes ?? InPod(configuration))
            {
                // Pod name, IP and namespace from the downward API; ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID
                // override Orleans:ServiceId / ClusterId. Membership itself stays in PostgreSQL.
                silo.UseKubernetesHosting();
            }
        }
        else if (hosting.Kubernetes is true)
        {
            throw new OptionsValidationException(SiloHostingOptions.SectionName, typeof(SiloHostingOptions),
                ["Orleans:Kubernetes=true needs Storage:Provider=PostgreSQL: cluster membership lives in the database."]);
        }
        else
        {
            silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort, serviceId: hosting.ServiceId, clusterId: hosting.ClusterId);
            // Orleans' binary serializer, as on PostgreSQL: the default (Newtonsoft JSON) was ~6 % of the service's
            // CPU at full load in a profile, for a copy that never leaves the process.
            silo.AddMemoryGrainStorage(SensorGrain.StorageName, options => options.Configure<Serializer>(
                (o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        }

        silo.AddHeaterFailsafe(configuration);
        silo.Services.AddSensorHomePlacement();
        silo.AddSiloTls(configuration);

        // Failure detection timings (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ...).
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{SiloHostingOptions.SectionName}:Membership"));
        // Under memory pressure (a flood of sensor IDs) Orleans deactivates the least recently used grains instead of
        // the pod being OOM-killed; their state is stored, so they come back on their next reading.
        silo.Services.Configure<GrainCollectionOptions>(o => o.EnableActivationSheddingOnMemoryPressure = true);
        silo.Services.Configure<GrainCollectionOptions>(configuration.GetSection($"{SiloHostingOptions.SectionName}:GrainCollection"));
        silo.AddHeaterCommandStream();
        if (TelemetryExtensions.TracesEnabled(configuration))
        {
            // Grain calls continue the caller's trace: reading -> grain -> command is one trace.
            silo.AddActivityPropagation();
        }

        // A grain's storage or broker failure travels back to the calling silo as the exception it is. Orleans
        // only serializes exceptions of known namespaces; anything else arrives as a CodecNotFoundException,
        // which hides a transient outage behind what looks like a permanent failure.
        silo.Services.Configure<ExceptionSerializationOptions>(o =>
        {
            o.SupportedNamespacePrefixes.Add("Npgsql");
            o.SupportedNamespacePrefixes.Add("Confluent.Kafka");
            o.SupportedNamespacePrefixes.Add("HeaterOrleans");
        });
        return silo;
    }

    private static bool InPod(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["KUBERNETES_SERVICE_HOST"]) && !string.IsNullOrEmpty(configuration["POD_NAME"]);

    /// <summary>The stale-sensor failsafe (<c>Failsafe:*</c>): the silo's sweeper over the deadlines of On heaters.</summary>
    public static ISiloBuilder AddHeaterFailsafe(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddValidatedOptions<FailsafeOptions, FailsafeOptionsValidator>(configuration, FailsafeOptions.SectionName);
        silo.Services.AddSensorFailsafe();
        return silo;
    }

    /// <summary>The egress stream: <see cref="StreamNames.CommandsProvider"/> produces to the commands topic.</summary>
    public static ISiloBuilder AddHeaterCommandStream(this ISiloBuilder silo) =>
        silo.AddKafkaStreams(StreamNames.CommandsProvider, options => options.Configure<KafkaClientFactory>((o, kafka) =>
        {
            o.Topic = kafka.Options.Topics.Commands;
            o.Producer = kafka.CreateProducerConfig();
        }));

    /// <summary>
    /// Membership (Orleans' ADO.NET provider) and sensor state (ours, group commit) in PostgreSQL, both on the silo's
    /// one bounded <see cref="Npgsql.NpgsqlDataSource"/>.
    /// </summary>
    private static void AddPostgreSql(this ISiloBuilder silo, SiloHostingOptions hosting)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = hosting.ClusterId;
            o.ServiceId = hosting.ServiceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = hosting.SiloPort;
            o.GatewayPort = hosting.GatewayPort;
            if (hosting.AdvertisedIPAddress is { } ip)
            {
                o.AdvertisedIPAddress = IPAddress.Parse(ip);
            }
        });
        silo.UseAdoNetClustering(options => options.Configure<Npgsql.NpgsqlDataSource>((o, database) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.DataSource = database;
        }));
        silo.AddHeaterPostgreSqlStorage(SensorGrain.StorageName);
        if (hosting.DistributedGrainDirectory)
        {
#pragma warning disable ORLEANSEXP003 // experimental: chosen for its single activation across membership changes
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        }
    }
}
