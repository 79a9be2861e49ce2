namespace HeaterOrleans.Chaos;

/// <summary>A garbage record as the broker stored it, to be found again in the dead-letter topic.</summary>
public sealed record GarbageSent(string Topic, int Partition, long Offset, string Kind);
