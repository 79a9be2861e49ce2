using Orleans.Runtime;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>Runs before the silo starts and names the provider and option at fault.</summary>
internal sealed class KafkaStreamOptionsValidator(KafkaStreamOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            throw new OrleansConfigurationException(
                $"Kafka stream provider '{name}': {nameof(KafkaStreamOptions.Topic)} must be set.");
        }

        if (string.IsNullOrWhiteSpace(options.Producer.BootstrapServers))
        {
            throw new OrleansConfigurationException(
                $"Kafka stream provider '{name}': {nameof(KafkaStreamOptions.Producer)}.{nameof(options.Producer.BootstrapServers)} must be set.");
        }
    }
}
