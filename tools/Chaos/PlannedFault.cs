namespace HeaterOrleans.Chaos;

/// <summary>A fault to inject once the producer has finished <see cref="AfterRound"/> rounds.</summary>
internal sealed record PlannedFault(FaultKind Kind, int AfterRound);
