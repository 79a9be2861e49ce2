using HeaterOrleans.Silo.Diagnostics;
using HeaterOrleans.Silo.Streaming;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Orleans.Hosting;

/// <summary>Registers a write-only Kafka stream provider, the way Orleans' own providers are registered.</summary>
public static class KafkaStreamsSiloBuilderExtensions
{
    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder, string name, Action<OptionsBuilder<KafkaStreamOptions>> configureOptions)
    {
        configureOptions(builder.Services.AddOptions<KafkaStreamOptions>(name));
        builder.Services.TryAddSingleton<KafkaStreamProducers>();
        builder.Services.TryAddSingleton<HeaterMetrics>();
        builder.Services.AddSingleton<IConfigurationValidator>(sp =>
            new KafkaStreamOptionsValidator(sp.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));

        // Implicit-only pub-sub: nothing subscribes through Orleans, and the default would demand a PubSubStore.
        return builder.AddPersistentStreams(
            name,
            KafkaQueueAdapterFactory.Create,
            configurator => configurator.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly));
    }
}
