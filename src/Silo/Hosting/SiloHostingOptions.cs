namespace HeaterOrleans.Silo.Hosting;

/// <summary>How this silo joins its cluster (<c>Orleans:*</c>).</summary>
public sealed class SiloHostingOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "heater";

    public string ServiceId { get; set; } = "heater-orleans";

    public int SiloPort { get; set; } = 11111;

    /// <summary>0 = no client gateway: the service's own callers live inside the silo.</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// Use Orleans' Kubernetes hosting (silo name, address and cluster identity from the pod; defunct silos
    /// cleaned up). Unset: on when running in a pod (<c>POD_NAME</c> and <c>KUBERNETES_SERVICE_HOST</c> set).
    /// </summary>
    public bool? Kubernetes { get; set; }

    /// <summary>The address other silos reach this one at; unset = this host's first address.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Orleans' strongly consistent grain directory (experimental in Orleans 10) instead of its eventually consistent
    /// one, on PostgreSQL clustering. Without it, a silo leaving while the database is down (so nobody can record it
    /// dead) can leave two activations of a sensor for a while, and the older one may send a command from old state.
    /// </summary>
    public bool DistributedGrainDirectory { get; set; } = true;
}
