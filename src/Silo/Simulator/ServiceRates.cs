namespace HeaterOrleans.Silo.Simulator;

/// <summary>What the live console shows of the service: records per second over the last refresh, and dead letters so far.</summary>
internal sealed record ServiceRates(double Readings, double Settings, double Commands, long DeadLettered);
