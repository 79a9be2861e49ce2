namespace HeaterOrleans.Chaos;

/// <summary>A dead-lettered record that the harness did not send as garbage: a valid record the service gave up on.</summary>
public sealed record UnexpectedDeadLetter(string Topic, int Partition, long Offset, string Reason);
