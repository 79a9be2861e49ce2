using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Hosting;

/// <summary>The Orleans side of the service: clustering, sensor state storage and the Kafka egress stream.</summary>
public static class HeaterSiloBuilderExtensions
{
    public static ISiloBuilder AddHeaterSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Read now, not at start: clustering is configured from it while the host is being built.
        var hosting = configuration.GetSection(SiloHostingOptions.SectionName).Get<SiloHostingOptions>() ?? new();
        if (new HostingOptionsValidator().Validate(null, hosting) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(SiloHostingOptions.SectionName, typeof(SiloHostingOptions), invalid.Failures);
        }

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
