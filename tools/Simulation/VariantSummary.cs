namespace HeaterOrleans.Simulation;

/// <summary>
/// One variant over all its heaters. Shares are of time (not of readings); "settled" counts only the time
/// after a heater first entered the band of its current setting (after the start and after a change).
/// Over- and undershoot are settled maxima beyond the band edges, °C; delays are simulated seconds.
/// </summary>
public sealed record VariantSummary
{
    public required double AddedDelaySeconds { get; init; }

    public required int Heaters { get; init; }

    public required long Readings { get; init; }

    public required long Commands { get; init; }

    public required long Switches { get; init; }

    public required double SwitchesPerHeater { get; init; }

    public required int FewestSwitches { get; init; }

    public required long RedundantCommands { get; init; }

    public required long StaleCommands { get; init; }

    public required double OutsideShare { get; init; }

    public required double SettledOutsideShare { get; init; }

    /// <summary>The worst heater's settled share outside its band.</summary>
    public required double WorstSettledOutsideShare { get; init; }

    public required double MaxOvershoot { get; init; }

    /// <summary>Mean over heaters of each heater's own maximum.</summary>
    public required double MeanMaxOvershoot { get; init; }

    public required double MaxUndershoot { get; init; }

    public required double MeanMaxUndershoot { get; init; }

    public required double SettleP50Seconds { get; init; }

    public required double SettleMaxSeconds { get; init; }

    public required int DelaySamples { get; init; }

    public required double RealizedDelayP50 { get; init; }

    public required double RealizedDelayP99 { get; init; }

    public required double RealizedDelayMax { get; init; }

    public required int HeatersWithoutCommand { get; init; }

    public required int HeatersNeverSettled { get; init; }

    public required int ChangedHeaters { get; init; }

    /// <summary>Heaters whose setting changed and that never entered the new band.</summary>
    public required int ChangedHeatersNotResettled { get; init; }

    public required int HeatersEndingOutsideBand { get; init; }

    /// <summary>Settled seconds per <see cref="DeviationHistogram.BinWidth"/> bin of true temperature − desired, from −1.5 °C.</summary>
    public required long[] DeviationHistogram { get; init; }

    internal static VariantSummary Of(Variant variant, IReadOnlyList<HeaterResult> heaters, long readings)
    {
        var delays = variant.RealizedDelays.Order().ToList();
        var settles = heaters.Where(h => h.SettleSeconds is not null).Select(h => h.SettleSeconds!.Value).Order().ToList();
        var settledTime = heaters.Sum(h => h.SettledSeconds);
        return new VariantSummary
        {
            AddedDelaySeconds = variant.Delay,
            Heaters = heaters.Count,
            Readings = readings,
            Commands = heaters.Sum(h => (long)h.Commands),
            Switches = heaters.Sum(h => (long)h.Switches),
            SwitchesPerHeater = heaters.Average(h => h.Switches),
            FewestSwitches = heaters.Min(h => h.Switches),
            RedundantCommands = heaters.Sum(h => (long)h.RedundantCommands),
            StaleCommands = heaters.Sum(h => (long)h.StaleCommands),
            OutsideShare = heaters.Average(h => h.OutsideShare),
            SettledOutsideShare = settledTime > 0 ? heaters.Sum(h => h.SettledSeconds * (double.IsNaN(h.SettledOutsideShare) ? 0 : h.SettledOutsideShare)) / settledTime : double.NaN,
            WorstSettledOutsideShare = heaters.Where(h => !double.IsNaN(h.SettledOutsideShare)).Select(h => h.SettledOutsideShare).DefaultIfEmpty(double.NaN).Max(),
            MaxOvershoot = heaters.Max(h => h.MaxOvershoot),
            MeanMaxOvershoot = heaters.Average(h => h.MaxOvershoot),
            MaxUndershoot = heaters.Max(h => h.MaxUndershoot),
            MeanMaxUndershoot = heaters.Average(h => h.MaxUndershoot),
            SettleP50Seconds = Percentiles.Of(settles, 50),
            SettleMaxSeconds = settles.Count > 0 ? settles[^1] : double.NaN,
            DelaySamples = delays.Count,
            RealizedDelayP50 = Percentiles.Of(delays, 50),
            RealizedDelayP99 = Percentiles.Of(delays, 99),
            RealizedDelayMax = delays.Count > 0 ? delays[^1] : double.NaN,
            HeatersWithoutCommand = heaters.Count(h => h.Commands == 0),
            HeatersNeverSettled = heaters.Count(h => h.SettleSeconds is null),
            ChangedHeaters = heaters.Count(h => h.ChangedDesired is not null),
            ChangedHeatersNotResettled = heaters.Count(h => h.ChangedDesired is not null && h.ResettleSeconds is null),
            HeatersEndingOutsideBand = heaters.Count(h => !h.EndsInBand),
            DeviationHistogram = variant.Histogram.Counts,
        };
    }
}
