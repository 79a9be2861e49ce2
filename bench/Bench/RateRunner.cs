using System.Diagnostics;
using System.Globalization;

namespace HeaterOrleans.Bench;

/// <summary>
/// Latency at a sustained rate: a separate producer process offers <c>--Rate</c> readings per second for
/// <c>--Seconds</c> (after <c>--WarmupSeconds</c> of the same, which count for keeping up but not in the percentiles
/// and CPU), and a probe consumer times what comes out. For a variant: its commands, from the reading's create
/// time; for the floor: the readings themselves, one hop through the same broker with the same client settings. The
/// same offer carries the service on PostgreSQL through an outage of its server.
/// </summary>
internal sealed class RateRunner(BenchOptions options, Action<string> progress)
{
    private const int FirstSensor = 2_000_000;

    // The outage run: long enough before it for a steady state, after it for a slow catch-up to show.
    private const int BeforeOutageSeconds = 10;
    private const int AfterOutageSeconds = 30;

    /// <summary>Produce to consume, outside producer and consumer, no variant in between.</summary>
    public async Task<RateRun> FloorAsync(PhaseKafka kafka)
    {
        progress($"floor: one hop at {options.Rate:N0} readings/s for {options.Duration} s");
        using var probe = LatencyProbe.Start(kafka.BootstrapServers, kafka.Topics.Readings, kafka.Topics.GroupId, commit: true);
        using var producer = StartProducer(kafka);
        var measuredFrom = await producer.WarmedUpAsync();
        var (start, arrivedAtStart) = (kafka.Cpu.Read(), probe.Count);
        var offer = await producer.ResultAsync();
        await probe.WaitForAsync(offer.Offered, DrainLimit);
        var arrived = probe.Count;
        // This process runs only the probe here: its cost, which every variant's CPU per reading includes too.
        var cost = kafka.Cpu.Read().Since(start, arrived - arrivedAtStart);
        var latency = await probe.StopAsync(measuredFrom, TimelinePath(kafka));
        return new RateRun(
            "floor", options.Rate, options.Duration, offer, latency, offer.Offered, arrived, null, null, null, null, Retained(kafka), cost);
    }

    /// <summary>Reading to command through <paramref name="variant"/>, with every second reading switching its heater.</summary>
    public async Task<RateRun> VariantAsync(IVariant variant, PhaseKafka kafka)
    {
        // A setting of 20 ± 0.5 °C for each sensor of the run, applied before the first reading.
        await Settle.SettingsAsync(
            variant, () => kafka.Writer.Settings(kafka.Topics.Settings, FirstSensor, options.LatencySensors, _ => 20), options.LatencySensors);
        progress($"{variant.Name}: latency at {options.Rate:N0} readings/s for {options.Duration} s");
        using var probe = LatencyProbe.Start(kafka.BootstrapServers, kafka.Topics.Commands, "bench-probe", commit: false);
        var before = variant.Processed;
        using var producer = StartProducer(kafka);
        var measuredFrom = await producer.WarmedUpAsync();
        var (start, processedAtStart, writesAtStart) = (kafka.Cpu.Read(), variant.Processed, variant.StateWrites);
        var offer = await producer.ResultAsync();
        var backlog = offer.Offered - (variant.Processed - before);

        var drain = Stopwatch.StartNew();
        while ((variant.Processed - before < offer.Offered || probe.Count < offer.ExpectedCommands) && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(10);
        }

        var processed = variant.Processed - before;
        double? drained = processed >= offer.Offered && probe.Count >= offer.ExpectedCommands ? drain.Elapsed.TotalSeconds : null;
        var cost = kafka.Cpu.Read().Since(start, variant.Processed - processedAtStart) with { StateWrites = variant.StateWrites - writesAtStart };
        var arrived = probe.Count;
        var latency = await probe.StopAsync(measuredFrom, TimelinePath(kafka));
        // Read at once when it is still behind (the figure is then its backlog); else give it time to commit.
        var lag = drained is null ? Lag(variant, kafka) : await FinalLagAsync(variant, kafka);
        return new RateRun(
            variant.Name, options.Rate, options.Duration, offer, latency, offer.ExpectedCommands, arrived,
            processed, Math.Max(0, backlog), drained, lag, Retained(kafka), cost);
    }

    /// <summary>
    /// The latency run's offer and probe through an outage of <paramref name="postgres"/>: stopped
    /// <see cref="BeforeOutageSeconds"/> after the warm-up for <c>--Outage</c> seconds, then the offer goes on for
    /// <see cref="AfterOutageSeconds"/>. Catch-up is timed on the readings processed against what the broker holds of
    /// the offer, polled every 100 ms from the server's return.
    /// </summary>
    public async Task<OutageRun> OutageAsync(IVariant variant, PhaseKafka kafka, BenchPostgres postgres)
    {
        await Settle.SettingsAsync(
            variant, () => kafka.Writer.Settings(kafka.Topics.Settings, FirstSensor, options.LatencySensors, _ => 20), options.LatencySensors);
        var seconds = BeforeOutageSeconds + options.Outage + AfterOutageSeconds;
        progress($"{variant.Name}: PostgreSQL stopped for {options.Outage} s, {BeforeOutageSeconds} s into {seconds} s at {options.Rate:N0} readings/s");
        using var probe = LatencyProbe.Start(kafka.BootstrapServers, kafka.Topics.Commands, "bench-probe", commit: false, distinct: true);
        using var offered = new TopicEnds(kafka.BootstrapServers, kafka.Topics.Readings);
        var before = variant.Processed;
        using var producer = StartProducer(kafka, seconds);
        var measuredFrom = await producer.WarmedUpAsync();
        await Task.Delay(TimeSpan.FromSeconds(BeforeOutageSeconds));

        progress("stopping PostgreSQL");
        var outage = Stopwatch.StartNew();
        await postgres.StopServerAsync();
        var rest = TimeSpan.FromSeconds(options.Outage) - outage.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        await postgres.StartServerAsync();
        outage.Stop();
        var back = Stopwatch.StartNew();
        var processedAtReturn = variant.Processed - before;
        var backlog = offered.Total() - processedAtReturn;
        progress(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL back after {outage.Elapsed.TotalSeconds:F1} s, {backlog:N0} readings behind"));

        // When processing resumed at all, beside when it had worked off the backlog: a slow catch-up is one or the other.
        double? resumed = null, catchUp = null;
        var catchUpLimit = TimeSpan.FromSeconds(AfterOutageSeconds) + DrainLimit;
        while (back.Elapsed < catchUpLimit)
        {
            // The broker's count first: a count of processed readings taken after it can only flatter the service by the poll's few ms.
            var offeredSoFar = offered.Total();
            var processedSoFar = variant.Processed - before;
            if (resumed is null && processedSoFar > processedAtReturn)
            {
                resumed = back.Elapsed.TotalSeconds;
            }

            if (processedSoFar >= offeredSoFar - options.Rate)
            {
                catchUp = back.Elapsed.TotalSeconds;
                progress(string.Create(CultureInfo.InvariantCulture, $"caught up {catchUp:F1} s after PostgreSQL's return"));
                break;
            }

            await Task.Delay(100);
        }

        var offer = await producer.ResultAsync();
        var drain = Stopwatch.StartNew();
        while ((variant.Processed - before < offer.Offered || probe.Distinct < offer.ExpectedCommands) && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(10);
        }

        var processed = variant.Processed - before;
        var (arrived, distinct) = (probe.Count, probe.Distinct);
        var latency = await probe.StopAsync(measuredFrom, TimelinePath(kafka));
        return new OutageRun(
            options.Rate, options.Outage, BeforeOutageSeconds, AfterOutageSeconds, outage.Elapsed.TotalSeconds, backlog, resumed, catchUp,
            catchUpLimit.TotalSeconds, offer, processed, offer.ExpectedCommands, arrived, distinct, latency);
    }

    /// <summary>Long enough for a variant a little behind to catch up, short enough not to wait out a hopeless one.</summary>
    private TimeSpan DrainLimit => TimeSpan.FromSeconds(Math.Max(10, options.Duration / 2.0));

    private ProducerProcess StartProducer(PhaseKafka kafka, int? seconds = null) => ProducerProcess.Start(
        kafka.BootstrapServers, kafka.Topics.Readings, options.Rate, options.WarmupSeconds, seconds ?? options.Duration, options.LatencySensors, FirstSensor,
        Path.Combine(options.Output, $"producer-{kafka.Topics.Phase}.log"));

    private string TimelinePath(PhaseKafka kafka) => Path.Combine(options.Output, $"latency-{kafka.Topics.Phase}.csv");

    private static long Retained(PhaseKafka kafka) => ConsumerLag.Retained(kafka.BootstrapServers, kafka.Topics.Readings);

    private static long Lag(IVariant variant, PhaseKafka kafka) => ConsumerLag.Of(kafka.BootstrapServers, variant.GroupId, kafka.Topics.Readings);

    /// <summary>The committed lag once the variant has had time to commit (the service and the peer commit every second).</summary>
    private static async Task<long> FinalLagAsync(IVariant variant, PhaseKafka kafka)
    {
        var lag = 0L;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await Task.Delay(500);
            lag = Lag(variant, kafka);
            if (lag == 0)
            {
                break;
            }
        }

        return lag;
    }
}
