namespace HeaterOrleans.Bench;

/// <summary>
/// The service on PostgreSQL through an outage of its server under a sustained offer: the server is stopped
/// <see cref="BeforeSeconds"/> after the warm-up and started again, and the offer goes on for <see cref="AfterSeconds"/>.
/// </summary>
/// <param name="OutageSeconds">From the call that stopped the server to the return of the one that started it again.</param>
/// <param name="BacklogAtReturn">Readings offered but not yet processed when the server was back.</param>
/// <param name="ResumedSeconds">From the server's return until the first reading was processed (null: none within the limit).</param>
/// <param name="CatchUpSeconds">
/// From the server's return until the readings processed reached those offered so far less one second's worth
/// (null: not within the run and its drain).
/// </param>
/// <param name="Expected">Commands a correct controller sends for the offered readings (warm-up included).</param>
/// <param name="Arrived">Commands the probe saw, repeats included.</param>
/// <param name="Distinct">Distinct commands the probe saw (by sensor and sequence).</param>
/// <param name="Latency">Reading to command after the warm-up, the outage included.</param>
public sealed record OutageRun(
    int Rate, int PlannedSeconds, int BeforeSeconds, int AfterSeconds, double OutageSeconds, long BacklogAtReturn, double? ResumedSeconds,
    double? CatchUpSeconds, double CatchUpLimitSeconds, ProducerResult Offer, long Processed, long Expected, long Arrived, long Distinct, LatencyStats Latency)
{
    /// <summary>The silo's <c>Ingress:MaxRetryDelay</c>: the longest wait between retries of a record during the outage.</summary>
    public double MaxRetryDelaySeconds { get; init; }

    /// <summary>The silo's <c>Failsafe:StaleAfter</c>; null when its failsafe is off.</summary>
    public double? FailsafeAfterSeconds { get; init; }

    /// <summary>Heaters the failsafe switched Off during the run (none is due: every sensor kept reading).</summary>
    public long FailsafeOffs { get; init; }

    /// <summary>How long the silo took to stop after the run.</summary>
    public double? SiloStopSeconds { get; init; }

    /// <summary>Why the silo did not stop cleanly; null when it did.</summary>
    public string? SiloStopError { get; init; }

    /// <summary>Commands expected but never seen.</summary>
    public long Lost => Math.Max(0, Expected - Distinct);

    /// <summary>Commands seen more than once (a command acknowledged by the broker whose state write was lost repeats).</summary>
    public long Repeated => Arrived - Distinct;

    /// <summary>The run completed and the silo stopped cleanly.</summary>
    public bool StayedUp => SiloStopSeconds is not null && SiloStopError is null;
}
