using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Kafka;

namespace HeaterOrleans.Silo.Http;

/// <summary>
/// Publishes settings to the settings topic, keyed by sensor ID: the control stream stays the one way
/// settings reach the grains, whoever sends them.
/// </summary>
public sealed class SettingsPublisher(KafkaClientFactory kafka) : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer = kafka.CreateProducer<byte[], byte[], SettingsPublisher>();

    public Task<DeliveryResult<byte[], byte[]>> PublishAsync(TemperatureControl setting, CancellationToken cancellationToken) =>
        _producer.ProduceAsync(
            kafka.Options.Topics.Settings,
            new Message<byte[], byte[]>
            {
                Key = SensorKey.Encode(setting.SensorID),
                Value = MessageCodec.Encode(setting),
            },
            cancellationToken);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
