namespace HeaterOrleans.Chaos;

internal enum FaultKind
{
    SiloKill,
    BrokerDown,
    PostgresDown,
}
