using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using HeaterOrleans.Testing;

namespace HeaterOrleans.Chaos;

/// <summary>
/// Injects the planned faults one at a time while the workload is produced, each once the previous one has
/// recovered, and measures the recovery.
/// </summary>
internal sealed class FaultInjector(
    ChaosOptions options, SiloCluster silos, BrokerProcess broker, PostgresServer postgres, GroupProgress progress,
    WorkloadProducer producer, RunLog log)
{
    // A fault not recovered after this long is recorded as such; the run's timeout decides the verdict.
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromMinutes(3);

    private readonly Random _random = new(unchecked(options.Seed * 7919 + 1));
    private readonly List<FaultRecord> _faults = [];
    private Task _production = Task.CompletedTask;

    public IReadOnlyList<FaultRecord> Faults
    {
        get
        {
            lock (_faults)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>
    /// The faults in a seeded random order, between 15% and 85% of the stream: that span is cut into one slot
    /// per fault, and each fault comes at a seeded random round of its slot, so they spread over the run.
    /// </summary>
    public static List<PlannedFault> Plan(ChaosOptions options, int rounds)
    {
        var random = new Random(options.Seed);
        var kinds = Enumerable.Repeat(FaultKind.SiloKill, options.Kills).ToList();
        if (options.BrokerDown > TimeSpan.Zero)
        {
            kinds.Add(FaultKind.BrokerDown);
        }

        if (options.PostgresDown > TimeSpan.Zero)
        {
            kinds.Add(FaultKind.PostgresDown);
        }

        if (options.RebalanceInOutage > TimeSpan.Zero)
        {
            kinds.Add(FaultKind.RebalanceInOutage);
        }

        var shuffled = kinds.ToArray();
        random.Shuffle(shuffled);
        var (first, span) = (rounds * 0.15, rounds * 0.70 / Math.Max(1, shuffled.Length));
        return [.. shuffled.Select((kind, i) => new PlannedFault(kind, Math.Max(1, (int)(first + ((i + random.NextDouble()) * span)))))];
    }

    public async Task RunAsync(IReadOnlyList<PlannedFault> plan, Task production, CancellationToken cancellationToken)
    {
        _production = production;
        foreach (var fault in plan)
        {
            while (producer.RoundsDone < fault.AfterRound && !production.IsCompleted)
            {
                await Task.Delay(50, cancellationToken);
            }

            var record = fault.Kind switch
            {
                FaultKind.SiloKill => await KillAsync(cancellationToken),
                FaultKind.BrokerDown => await BrokerDownAsync(cancellationToken),
                FaultKind.RebalanceInOutage => await RebalanceInOutageAsync(cancellationToken),
                _ => await PostgresDownAsync(cancellationToken),
            };
            record = record with
            {
                AtSeconds = Math.Round(record.AtSeconds, 2),
                DurationSeconds = Math.Round(record.DurationSeconds, 2),
                RecoverySeconds = record.RecoverySeconds is { } r ? Math.Round(r, 2) : null,
            };
            lock (_faults)
            {
                _faults.Add(record);
            }

            log.Line(string.Create(CultureInfo.InvariantCulture,
                $"{record.Kind}: {record.Detail}; recovered {(record.RecoverySeconds is { } s ? $"after {s:F1}s" : "NOT within the limit")}"));
        }
    }

    private async Task<FaultRecord> KillAsync(CancellationToken cancellationToken)
    {
        var running = silos.Running;
        var victim = running[_random.Next(running.Count)];
        var (at, start) = (DateTimeOffset.UtcNow, log.Elapsed);
        log.Line($"silo-kill: SIGKILL {victim.Name} (pid {victim.Id}) after round {producer.RoundsDone}");
        silos.Kill(victim);
        var snapshot = await SnapshotAsync(cancellationToken);
        var replacement = Task.Run(
            async () =>
            {
                await Task.Delay(options.RestartAfter, cancellationToken);
                return silos.Start();
            },
            cancellationToken);
        var recovery = await RecoveryAsync(snapshot, cancellationToken);
        var successor = await replacement;
        log.Line($"silo-kill: {successor.Name} replaces {victim.Name}; waiting for it to get partitions");
        try
        {
            await SiloCluster.WaitAssignedAsync(successor, TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch (TimeoutException)
        {
            log.Line($"silo-kill: {successor.Name} got no partitions within 90 s");
        }

        return new FaultRecord("silo-kill", at, start.TotalSeconds, options.RestartAfter.TotalSeconds, recovery?.TotalSeconds,
            string.Create(CultureInfo.InvariantCulture, $"killed {victim.Name}, {successor.Name} started {options.RestartAfter.TotalSeconds:F0}s later"));
    }

    private async Task<FaultRecord> BrokerDownAsync(CancellationToken cancellationToken)
    {
        // Taken before: nothing can be committed while the broker is down.
        var snapshot = await SnapshotAsync(cancellationToken);
        var (at, start) = (DateTimeOffset.UtcNow, log.Elapsed);
        log.Line($"broker-down: for {options.BrokerDown.TotalSeconds:F0}s after round {producer.RoundsDone}");
        await broker.DownAsync(cancellationToken);
        try
        {
            await Task.Delay(options.BrokerDown, cancellationToken);
        }
        finally
        {
            await broker.UpAsync(CancellationToken.None);
        }

        var duration = log.Elapsed - start;
        var recovery = await RecoveryAsync(snapshot, cancellationToken);
        return new FaultRecord("broker-down", at, start.TotalSeconds, duration.TotalSeconds, recovery?.TotalSeconds, "all brokers refuse connections");
    }

    private async Task<FaultRecord> PostgresDownAsync(CancellationToken cancellationToken)
    {
        var (at, start) = (DateTimeOffset.UtcNow, log.Elapsed);
        log.Line($"postgres-down: for {options.PostgresDown.TotalSeconds:F0}s after round {producer.RoundsDone}");
        await postgres.StopAsync();
        try
        {
            await Task.Delay(options.PostgresDown, cancellationToken);
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        var duration = log.Elapsed - start;
        // Taken after: records that need no write can still complete, and commit, during the outage.
        var snapshot = await SnapshotAsync(cancellationToken);
        var recovery = await RecoveryAsync(snapshot, cancellationToken);
        return new FaultRecord("postgres-down", at, start.TotalSeconds, duration.TotalSeconds, recovery?.TotalSeconds, "server stopped (pg_ctl stop -m fast)");
    }

    /// <summary>
    /// PostgreSQL stops, then a silo is stopped as a scale-down does: its lanes cannot finish (their state writes
    /// fail), so its partitions are handed over with records in flight, and the survivor takes them while the
    /// database is still down. The old owner must stop for good and the new owner replay without a stale or
    /// repeated command. Then the database comes back and a replacement silo joins (a second rebalance).
    /// </summary>
    private async Task<FaultRecord> RebalanceInOutageAsync(CancellationToken cancellationToken)
    {
        var running = silos.Running;
        var victim = running[_random.Next(running.Count)];
        var survivors = running.Where(s => s != victim).Select(s => (Silo: s, From: s.LineCount)).ToList();
        var (at, start) = (DateTimeOffset.UtcNow, log.Elapsed);
        log.Line($"rebalance-in-outage: PostgreSQL stopped, then SIGTERM {victim.Name} (pid {victim.Id}) after round {producer.RoundsDone}");
        await postgres.StopAsync();
        bool handedOver;
        try
        {
            await silos.TerminateAsync(victim);
            handedOver = await FirstToLogAsync(survivors, "Ingress assigned", cancellationToken);
            log.Line(handedOver
                ? $"rebalance-in-outage: a survivor took partitions; PostgreSQL stays down {options.RebalanceInOutage.TotalSeconds:F0}s more"
                : "rebalance-in-outage: no survivor took partitions within the limit");
            await Task.Delay(options.RebalanceInOutage, cancellationToken);
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        var duration = log.Elapsed - start;
        var snapshot = await SnapshotAsync(cancellationToken);
        var replacement = silos.Start();
        var recovery = await RecoveryAsync(snapshot, cancellationToken);
        if (!await victim.WaitForExitAsync(TimeSpan.FromMinutes(1)))
        {
            log.Line($"rebalance-in-outage: {victim.Name} did not exit within a minute of PostgreSQL's return; killed");
            victim.Kill();
        }

        return new FaultRecord("rebalance-in-outage", at, start.TotalSeconds, duration.TotalSeconds, handedOver ? recovery?.TotalSeconds : null,
            $"stopped {victim.Name} (SIGTERM) during a PostgreSQL outage, {(handedOver ? "partitions handed over" : "no hand-over seen")}; {replacement.Name} joined after");
    }

    /// <summary>Whether one of <paramref name="silos"/> logs <paramref name="text"/> (after its given line) within the limit.</summary>
    private static async Task<bool> FirstToLogAsync(
        IEnumerable<(ChildProcess Silo, int From)> silos, string text, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = silos
            .Select(s => s.Silo.WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(90), stop.Token, s.From))
            .ToList();
        try
        {
            while (waits.Count > 0)
            {
                var done = await Task.WhenAny(waits);
                if (done.IsCompletedSuccessfully)
                {
                    return true;
                }

                waits.Remove(done);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(waits).ContinueWith(_ => { }, TaskScheduler.Default); // observed, whatever they ended in
        }
    }

    private async Task<Dictionary<TopicPartition, long>> SnapshotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return progress.Committed();
            }
            catch (KafkaException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Time until the group's committed offsets move forward again, counted only when no partition with work
    /// is left behind (one revoked from a dead silo, its grains unreachable, a lane stuck): every partition has
    /// committed past <paramref name="snapshot"/> or has nothing left to do. Once the workload is all produced,
    /// a group that has caught up counts as recovered too.
    /// </summary>
    private async Task<TimeSpan?> RecoveryAsync(Dictionary<TopicPartition, long> snapshot, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RecoveryLimit)
        {
            try
            {
                var committed = progress.Committed();
                var high = progress.HighWatermarks();
                var caughtUp = progress.Partitions.All(p => committed[p] >= high[p]);
                var moved = progress.Partitions.Any(p => committed[p] > snapshot[p]);
                var noneBehind = progress.Partitions.All(p => committed[p] > snapshot[p] || committed[p] >= high[p]);
                if ((moved && noneBehind) || (caughtUp && _production.IsCompleted))
                {
                    return clock.Elapsed;
                }
            }
            catch (KafkaException)
            {
                // Not answering yet: not recovered.
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }
}
