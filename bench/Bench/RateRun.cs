using System.Globalization;

namespace HeaterOrleans.Bench;

/// <summary>
/// One latency run at an offered rate: the one-hop floor (the probe reads the readings themselves) or a variant (the
/// probe reads its commands), with what tells whether the variant kept up.
/// </summary>
/// <param name="Expected">Records the probe should see: the commands a correct controller sends (floor: the readings).</param>
/// <param name="Arrived">Records the probe saw.</param>
/// <param name="Processed">Readings the variant processed (null for the floor).</param>
/// <param name="BacklogAtEnd">Readings offered but not yet processed when the producer finished.</param>
/// <param name="DrainSeconds">From the producer's end until every reading was processed and every command seen (null: not within the limit).</param>
/// <param name="FinalLag">The variant's consumer group's committed lag on the readings after the drain.</param>
/// <param name="Retained">Readings the broker still kept at the end (the embedded broker's fetch walks them).</param>
/// <param name="Cost">CPU of this process and of the broker from the end of the warm-up to the end of the drain.</param>
public sealed record RateRun(
    string Name, int Rate, int Seconds, ProducerResult Offer, LatencyStats Latency, long Expected, long Arrived,
    long? Processed, long? BacklogAtEnd, double? DrainSeconds, long? FinalLag, long Retained, PhaseCost? Cost)
{
    /// <summary>Empty when it kept up, else why not.</summary>
    public string Shortfall
    {
        get
        {
            var c = CultureInfo.InvariantCulture;
            return Offer.Failed > 0 ? string.Create(c, $"{Offer.Failed:N0} readings not acknowledged by the broker")
                : Offer.OfferedPerSecond < Rate * 0.98 ? string.Create(c, $"the producer reached only {Offer.OfferedPerSecond:N0}/s")
                : Processed is { } p && p < Offer.Offered ? string.Create(c, $"{p:N0} of {Offer.Offered:N0} readings processed")
                : BacklogAtEnd is { } b && b > Rate ? string.Create(c, $"{b:N0} readings behind when the offer ended")
                : Arrived < Expected ? string.Create(c, $"{Arrived:N0} of {Expected:N0} expected records seen")
                : "";
        }
    }

    /// <summary>
    /// Every reading acknowledged and processed, every expected command seen, and less than one second's worth of
    /// readings behind when the offer ended (a variant slower than the rate falls further behind all along).
    /// </summary>
    public bool KeptUp => Shortfall.Length == 0;
}
