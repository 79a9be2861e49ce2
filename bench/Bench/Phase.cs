namespace HeaterOrleans.Bench;

/// <summary>Phase names: they name each phase's topics and the variants' consumer groups.</summary>
internal static class Phase
{
    public const string Floor = "floor";
    public const string Baseline = "baseline";
    public const string Service = "service";
    public const string ServiceLatency = "service-latency";
    public const string ServicePg = "service-pg";
    public const string ServicePgLatency = "service-pg-latency";
    public const string ServicePgOutage = "service-pg-outage";
    public const string Peer = "peer";
    public const string PeerLatency = "peer-latency";
    public const string SilosSingle = "silos-single";
    public const string SilosPartition = "silos-partition";
    public const string SilosOrleans = "silos-orleans";
    public const string SilosChurn = "silos-churn";
}
