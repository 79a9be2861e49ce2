namespace HeaterOrleans.Silo.Ingress;

/// <summary>What a record's completion releases: its ticket in its partition's offsets and its bytes in flight.</summary>
internal sealed record Completion(PartitionOffsets Offsets, long Ticket, int Bytes);
