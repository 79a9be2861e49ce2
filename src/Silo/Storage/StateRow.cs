namespace HeaterOrleans.Silo.Storage;

/// <summary>A grain state as stored: its version (the ETag) and its serialized payload.</summary>
internal readonly record struct StateRow(long Version, byte[] Payload);
