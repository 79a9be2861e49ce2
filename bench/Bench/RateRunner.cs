using System.Diagnostics;

namespace HeaterOrleans.Bench;

/// <summary>
/// Latency at a sustained rate: a separate producer process offers <c>--Rate</c> readings per second for
/// <c>--Seconds</c> (after <c>--WarmupSeconds</c> of the same, which count for keeping up but not in the percentiles
/// and CPU), and a probe consumer times what comes out. For a variant: its commands, from the reading's create
/// time; for the floor: the readings themselves, one hop through the same broker with the same client settings.
/// </summary>
internal sealed class RateRunner(BenchOptions options, BenchBroker broker, WorkloadWriter writer, CpuClock cpu, Action<string> progress)
{
    private const int FirstSensor = 2_000_000;

    /// <summary>Produce to consume, outside producer and consumer, no variant in between.</summary>
    public async Task<RateRun> FloorAsync(PhaseTopics topics)
    {
        progress($"floor: one hop at {options.Rate:N0} readings/s for {options.Duration} s");
        using var probe = LatencyProbe.Start(broker.BootstrapServers, topics.Readings);
        using var producer = StartProducer(topics);
        var measuredFrom = await producer.WarmedUpAsync();
        var (start, arrivedAtStart) = (cpu.Read(), probe.Count);
        var offer = await producer.ResultAsync();
        await probe.WaitForAsync(offer.Offered, DrainLimit);
        var arrived = probe.Count;
        // This process runs only the probe here: its cost, which every variant's CPU per reading includes too.
        var cost = cpu.Read().Since(start, arrived - arrivedAtStart);
        var latency = await probe.StopAsync(measuredFrom);
        return new RateRun("floor", options.Rate, options.Duration, offer, latency, offer.Offered, arrived, null, null, null, null, cost);
    }

    /// <summary>Reading to command through <paramref name="variant"/>, with every second reading switching its heater.</summary>
    public async Task<RateRun> VariantAsync(IVariant variant)
    {
        await SettleSettingsAsync(variant);
        progress($"{variant.Name}: latency at {options.Rate:N0} readings/s for {options.Duration} s");
        using var probe = LatencyProbe.Start(broker.BootstrapServers, variant.Topics.Commands);
        var before = variant.Processed;
        using var producer = StartProducer(variant.Topics);
        var measuredFrom = await producer.WarmedUpAsync();
        var (start, processedAtStart) = (cpu.Read(), variant.Processed);
        var offer = await producer.ResultAsync();
        var backlog = offer.Offered - (variant.Processed - before);

        var drain = Stopwatch.StartNew();
        while ((variant.Processed - before < offer.Offered || probe.Count < offer.ExpectedCommands) && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(10);
        }

        var processed = variant.Processed - before;
        double? drained = processed >= offer.Offered && probe.Count >= offer.ExpectedCommands ? drain.Elapsed.TotalSeconds : null;
        var cost = cpu.Read().Since(start, variant.Processed - processedAtStart);
        var arrived = probe.Count;
        var latency = await probe.StopAsync(measuredFrom);
        // Read at once when it is still behind (the figure is then its backlog); else give it time to commit.
        var lag = drained is null ? Lag(variant) : await FinalLagAsync(variant);
        return new RateRun(
            variant.Name, options.Rate, options.Duration, offer, latency, offer.ExpectedCommands, arrived,
            processed, Math.Max(0, backlog), drained, lag, cost);
    }

    /// <summary>Long enough for a variant a little behind to catch up, short enough not to wait out a hopeless one.</summary>
    private TimeSpan DrainLimit => TimeSpan.FromSeconds(Math.Max(10, options.Duration / 2.0));

    private ProducerProcess StartProducer(PhaseTopics topics) => ProducerProcess.Start(
        broker.BootstrapServers, topics.Readings, options.Rate, options.WarmupSeconds, options.Duration, options.LatencySensors, FirstSensor,
        Path.Combine(options.Output, $"producer-{topics.Phase}.log"));

    /// <summary>A setting of 20 ± 0.5 °C for each sensor of the run, applied before the first reading.</summary>
    private Task SettleSettingsAsync(IVariant variant) =>
        Settle.SettingsAsync(variant, () => writer.Settings(variant.Topics.Settings, FirstSensor, options.LatencySensors, _ => 20), options.LatencySensors);

    private long Lag(IVariant variant) => ConsumerLag.Of(broker.BootstrapServers, variant.GroupId, variant.Topics.Readings);

    /// <summary>The committed lag once the variant has had time to commit (the service and the peer commit every second).</summary>
    private async Task<long> FinalLagAsync(IVariant variant)
    {
        var lag = 0L;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await Task.Delay(500);
            lag = Lag(variant);
            if (lag == 0)
            {
                break;
            }
        }

        return lag;
    }
}
