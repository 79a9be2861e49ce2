using Confluent.Kafka;

namespace HeaterOrleans.Silo.Kafka;

public static class KafkaProducerExtensions
{
    /// <summary>
    /// <see cref="IProducer{TKey,TValue}.Produce(string, Message{TKey,TValue}, Action{DeliveryReport{TKey,TValue}})"/>
    /// that waits for deliveries while the client's queue is full (a broker falling behind a fast producer)
    /// instead of failing the record.
    /// </summary>
    public static void ProduceWhenQueued<TKey, TValue>(
        this IProducer<TKey, TValue> producer, string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? delivered = null)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, delivered);
                return;
            }
            catch (ProduceException<TKey, TValue> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}
