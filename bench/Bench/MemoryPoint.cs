namespace HeaterOrleans.Bench;

/// <summary>Memory with a number of active sensor grains, and per sensor above the idle service.</summary>
public sealed record MemoryPoint(int ActiveSensors, long ManagedBytes, long RssBytes, double ManagedBytesPerSensor, double RssBytesPerSensor);
