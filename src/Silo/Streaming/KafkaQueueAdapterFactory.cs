using HeaterOrleans.Silo.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>
/// Factory of the write-only Kafka adapter. Orleans starts no pulling agents for a write-only
/// provider, so the receiver side (cache, failure handler) is never asked for and is not offered.
/// </summary>
internal sealed class KafkaQueueAdapterFactory(
    string name, KafkaStreamOptions options, KafkaStreamProducers producers, HeaterMetrics metrics, ILoggerFactory loggers)
    : IQueueAdapterFactory
{
    private readonly HashRingBasedStreamQueueMapper _mapper = new(new HashRingStreamQueueMapperOptions { TotalQueueCount = 1 }, name);

    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<KafkaQueueAdapterFactory>(
            services, name, services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name));

    [Obsolete("Orleans calls CreateAdapter(CancellationToken); this overload is required by the interface.")]
    public Task<IQueueAdapter> CreateAdapter() =>
        Task.FromResult<IQueueAdapter>(producers.Own(new KafkaQueueAdapter(name, options, metrics, loggers.CreateLogger<KafkaQueueAdapter>())));

    public IQueueAdapterCache GetQueueAdapterCache() => throw WriteOnly();

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => throw WriteOnly();

    private NotSupportedException WriteOnly() =>
        new($"Kafka stream provider '{name}' is write-only: it has no receivers.");
}
