namespace HeaterOrleans.Bench;

/// <summary>What the producer process offered, printed as its last line.</summary>
/// <param name="Offered">Readings acknowledged by the broker (warm-up included).</param>
/// <param name="Failed">Readings the broker did not acknowledge (delivery failed or timed out).</param>
/// <param name="Seconds">From the first reading produced to the last (warm-up included).</param>
/// <param name="ExpectedCommands">Commands a correct controller sends for the offered readings.</param>
public sealed record ProducerResult(long Offered, long Failed, double Seconds, long ExpectedCommands)
{
    public const string Prefix = "result: ";

    /// <summary>Printed with the Unix time in milliseconds when the warm-up ends and the measured readings begin.</summary>
    public const string MeasuringPrefix = "measuring from ";

    public double OfferedPerSecond => Seconds > 0 ? Offered / Seconds : 0;
}
