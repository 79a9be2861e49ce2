using Confluent.Kafka;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>The size of a record as the broker counts it, roughly: key, value and headers.</summary>
internal static class RecordBytes
{
    public static int Of(Message<byte[]?, byte[]?> message) => KeyAndHeaders(message) + (message.Value?.Length ?? 0);

    public static int KeyAndHeaders(Message<byte[]?, byte[]?> message)
    {
        var size = message.Key?.Length ?? 0;
        foreach (var header in message.Headers ?? [])
        {
            size += header.Key.Length + (header.GetValueBytes()?.Length ?? 0);
        }

        return size;
    }
}
