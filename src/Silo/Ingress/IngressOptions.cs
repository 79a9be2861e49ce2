namespace HeaterOrleans.Silo.Ingress;

/// <summary>Tuning of the Kafka ingress bridge (<c>Ingress:*</c>).</summary>
public sealed class IngressOptions
{
    public const string SectionName = "Ingress";

    /// <summary>Records consumed but not yet acknowledged by their grain; consuming pauses above it.</summary>
    public int MaxInFlight { get; set; } = 10_000;

    /// <summary>
    /// Bytes (key, value and headers) of the records in flight; consuming pauses above it as well, so that large
    /// records cannot exhaust memory within <see cref="MaxInFlight"/>. A single record larger than this still goes,
    /// alone.
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most records of one sensor delivered in one grain call: those that queued behind the sensor's running call.
    /// 1 delivers every record alone (as does tracing, so that each record's trace is its own).
    /// </summary>
    public int MaxBatch { get; set; } = 100;

    /// <summary>
    /// How long a revoked partition or a stop waits for in-flight records before letting go. The host's
    /// shutdown timeout is this plus 15 s (for the silo's own stop); Kubernetes' grace period must exceed both.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First and longest wait between retries of a record whose processing failed transiently.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts at a record that fails for a permanent reason (not an outage) before it goes to the
    /// dead-letter topic with that reason. Transient failures are retried without limit.
    /// </summary>
    public int MaxPermanentFailureAttempts { get; set; } = 5;
}
