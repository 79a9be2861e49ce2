namespace HeaterOrleans.Bench;

/// <summary>
/// One change of the silo group during the churn run, and how long the grain calls took to be local again. Times
/// count from the change (the process started, or killed).
/// </summary>
/// <param name="What">"silo added" or "silo killed".</param>
/// <param name="SettledSeconds">Until the partitions last moved (the silos' "Ingress assigned/revoked/lost" lines).</param>
/// <param name="LocalAgainSeconds">Until the end of the last 250 ms window with under 99 % of the grain calls local (0: none).</param>
/// <param name="LowestShare">The lowest local share of a window (windows of at least 20 calls); null when none had that many.</param>
/// <param name="CaughtUpSeconds">Until the end of the last window with over a second's readings offered since the change and not yet processed (0: none).</param>
public sealed record ChurnEvent(string What, double SettledSeconds, double LocalAgainSeconds, double? LowestShare, double CaughtUpSeconds)
{
    /// <summary>From the partitions settling to the calls being local again: what placement and migration take.</summary>
    public double LocalAfterSettledSeconds => Math.Max(0, LocalAgainSeconds - SettledSeconds);
}
