namespace HeaterOrleans.Silo.Ingress;

/// <summary>What a record's completion releases: its ticket in its partition's offsets.</summary>
internal sealed record Completion(PartitionOffsets Offsets, long Ticket);
