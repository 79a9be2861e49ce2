using HeaterOrleans.Silo.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Storage;

/// <summary>Registers the PostgreSQL grain storage (group commit) and, with the failsafe on, its recovery.</summary>
public static class PostgreSqlStorageSiloBuilderExtensions
{
    /// <summary>Suffix of the name under which Orleans' ADO.NET provider reads state stored by earlier versions.</summary>
    private const string LegacySuffix = "-adonet";

    /// <summary>
    /// Grain storage <paramref name="name"/> in <c>heater_grain_state</c>, on the silo's <see cref="NpgsqlDataSource"/>
    /// (bounded by <c>Storage:MaxConnections</c>), batched by <c>Storage:MaxConcurrentBatches</c> and <c>:MaxBatch</c>.
    /// </summary>
    public static ISiloBuilder AddHeaterPostgreSqlStorage(this ISiloBuilder silo, string name)
    {
        silo.AddAdoNetGrainStorage(name + LegacySuffix, options => options.Configure<Serializer, NpgsqlDataSource>((o, serializer, database) =>
        {
            o.Invariant = HeaterSiloBuilderExtensions.NpgsqlInvariant;
            o.DataSource = database;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddKeyedSingleton(name, (sp, _) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var owner = sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            return new StateBatcher(sp.GetRequiredService<NpgsqlDataSource>(), ServiceId(sp), owner, storage.MaxConcurrentBatches, storage.MaxBatch, storage.GroupCommitDelay,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<StateBatcher>());
        });
        silo.Services.AddGrainStorage(name, (sp, key) =>
        {
            var database = sp.GetRequiredService<NpgsqlDataSource>();
            var legacy = new LegacyStateReader(sp.GetRequiredKeyedService<IGrainStorage>(key + LegacySuffix), database, ServiceId(sp));
            return new PostgreSqlGrainStorage(sp.GetRequiredKeyedService<StateBatcher>(key), legacy,
                new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()), database, ServiceId(sp));
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, FailsafeRecovery>();
        return silo;
    }

    private static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
}
