namespace HeaterOrleans.Bench;

/// <summary>The churn run: <see cref="Silos"/> silo processes by partition under readings at <see cref="Rate"/>, one added, then one killed.</summary>
public sealed record SilosChurn(int Silos, int Rate, int ObservedSeconds, IReadOnlyList<ChurnEvent> Events);
