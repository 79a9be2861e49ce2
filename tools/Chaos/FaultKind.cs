namespace HeaterOrleans.Chaos;

internal enum FaultKind
{
    SiloKill,
    BrokerDown,
    PostgresDown,

    /// <summary>A silo stopped gracefully (a scale-down) while PostgreSQL is down: its partitions move mid-outage.</summary>
    RebalanceInOutage,
}
