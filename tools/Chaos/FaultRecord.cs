namespace HeaterOrleans.Chaos;

/// <summary>
/// A fault as it happened. <see cref="RecoverySeconds"/> runs from the end of the fault (for a kill: the kill
/// itself, as the survivor must take over without waiting for the replacement) until every input partition
/// has either committed past where it stood or caught up; <c>null</c> when that did not happen in time.
/// </summary>
public sealed record FaultRecord(
    string Kind, DateTimeOffset At, double AtSeconds, double DurationSeconds, double? RecoverySeconds, string Detail);
