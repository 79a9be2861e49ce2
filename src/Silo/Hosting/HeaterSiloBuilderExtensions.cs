using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Kafka;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>The Orleans side of the service: clustering, sensor state storage and the Kafka egress stream.</summary>
public static class HeaterSiloBuilderExtensions
{
    public static ISiloBuilder AddHeaterSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var hosting = configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new();
        silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort, serviceId: hosting.ServiceId, clusterId: hosting.ClusterId);
        silo.AddMemoryGrainStorage(SensorGrain.StorageName);
        silo.AddHeaterCommandStream();
        return silo;
    }

    /// <summary>The egress stream: <see cref="StreamNames.CommandsProvider"/> produces to the commands topic.</summary>
    public static ISiloBuilder AddHeaterCommandStream(this ISiloBuilder silo) =>
        silo.AddKafkaStreams(StreamNames.CommandsProvider, options => options.Configure<KafkaClientFactory>((o, kafka) =>
        {
            o.Topic = kafka.Options.Topics.Commands;
            o.Producer = kafka.CreateProducerConfig();
        }));
}
