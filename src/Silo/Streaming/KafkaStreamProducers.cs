using System.Collections.Concurrent;

namespace HeaterOrleans.Silo.Streaming;

/// <summary>
/// Owns the producers of the Kafka stream adapters. Orleans never disposes a queue adapter, so the
/// container does it through this singleton: after the silo has stopped (grains deactivating may still
/// publish), flushing what is queued, and before the Kafka services it was created after.
/// </summary>
internal sealed class KafkaStreamProducers : IDisposable
{
    private readonly ConcurrentBag<IDisposable> _owned = [];

    public T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
