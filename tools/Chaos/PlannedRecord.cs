namespace HeaterOrleans.Chaos;

/// <summary>A record to produce; <see cref="Partition"/> is set for null keys, whose order Kafka keeps only within a partition.</summary>
internal sealed record PlannedRecord(string Topic, byte[]? Key, int? Partition, byte[] Value, string? GarbageKind = null)
{
    public bool IsGarbage => GarbageKind is not null;
}
