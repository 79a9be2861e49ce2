using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HeaterOrleans.Bench;

/// <summary>
/// The report as console tables and as Markdown (for the README): where it ran, then throughput and latency with the
/// variants side by side (the silo processes after the throughput), then the PostgreSQL outage, setting-to-effect and
/// memory.
/// </summary>
public static class ReportTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly string[] Variants = [BenchOptions.Baseline, BenchOptions.Service, BenchOptions.ServicePg, BenchOptions.Peer];

    public static IRenderable Render(BenchReport report)
    {
        var parts = new List<IRenderable> { new Text(string.Join(Environment.NewLine, Header(report)) + Environment.NewLine) };
        foreach (var section in Sections(report))
        {
            var table = new Table().Title(Markup.Escape(section.Title));
            foreach (var column in section.Columns)
            {
                table.AddColumn(Markup.Escape(column));
            }

            foreach (var row in section.Rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            parts.Add(table);
        }

        return new Rows(parts);
    }

    public static string Markdown(BenchReport report)
    {
        var text = new StringBuilder();
        foreach (var line in Header(report))
        {
            text.AppendLine(line + "  ");
        }

        foreach (var section in Sections(report))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**{section.Title}**");
            text.AppendLine();
            text.AppendLine($"| {string.Join(" | ", section.Columns)} |");
            text.AppendLine($"|{string.Concat(Enumerable.Repeat(" --- |", section.Columns.Count))}");
            foreach (var row in section.Rows)
            {
                text.AppendLine($"| {string.Join(" | ", row)} |");
            }
        }

        return text.ToString();
    }

    public static IEnumerable<string> Header(BenchReport r)
    {
        var e = r.Environment;
        yield return $"Machine: {e.Cores} cores ({e.Cpu}), {e.Os}; {e.Runtime}, {e.Gc}.";
        yield return string.Create(C, $"Run {e.At:yyyy-MM-dd HH:mm} UTC: {e.CommandLine}");
        yield return $"Broker: {r.Broker}; every phase on fresh topics; every client fetch.wait.max {ClientTuning.FetchWaitMaxMs} ms, linger {ClientTuning.LingerMs} ms.";
        if (r.Throughput.Count > 0)
        {
            yield return string.Create(C, $"Throughput: {r.Readings:N0} readings over {r.Sensors:N0} sensors ({r.FlipShare:P0} outside their band), pre-produced; each variant consumes its own copy, in this process.");
        }

        if (r.Floor is not null || r.Latency.Count > 0)
        {
            yield return string.Create(C,
                $"Latency: {r.LatencyRate:N0} readings/s for {r.LatencySeconds} s after a {r.WarmupSeconds} s warm-up, from a separate producer process over {r.LatencySensors:N0} sensors; every second reading switches its heater; failsafe {(r.Failsafe ? "on" : "off")}.");
        }

        if (r.PostgreSql is not null)
        {
            yield return r.PostgreSql;
        }

        foreach (var note in r.GaveUp)
        {
            yield return $"Note: {note}";
        }
    }

    public static IEnumerable<ReportSection> Sections(BenchReport r)
    {
        if (r.Throughput.Count > 0)
        {
            yield return Throughput(r);
        }

        if (r.Silos.Count > 0)
        {
            yield return Silos(r);
        }

        if (r.Churn is not null)
        {
            yield return Churn(r.Churn);
        }

        if (r.Floor is not null || r.Latency.Count > 0)
        {
            yield return Latency(r);
        }

        if (r.Outage is not null || r.OutageNote is not null)
        {
            yield return Outage(r);
        }

        var other = Other(r).ToList();
        if (other.Count > 0)
        {
            yield return new ReportSection("Setting to effect, memory", ["measure", "figure", "target"], other);
        }
    }

    private static ReportSection Throughput(BenchReport r)
    {
        var variants = Variants.Where(r.Throughput.ContainsKey).ToList();
        var costs = variants.Select(v => r.Throughput[v]).ToList();
        IReadOnlyList<string> Row(string measure, Func<string, PhaseCost, string> cell, string target = "") =>
            [measure, .. variants.Select((v, i) => cell(v, costs[i])), target];

        return new ReportSection(
            "Throughput: first record to last",
            ["measure", .. variants.Select(Name), "target"],
            [
                Row("records/s", (_, c) => F($"{c.RecordsPerSecond:N0}")),
                Row("CPU per record (this process, user + system)", (_, c) => F($"{c.CpuMicrosPerRecord:F1} µs")),
                Row("broker CPU per record (its own process)", (_, c) => c.BrokerCpuMicrosPerRecord is { } b ? F($"{b:F1} µs") : "–"),
                Row("cores busy (this process)", (_, c) => F($"{c.CoresBusy:F2}")),
                Row("commands sent", (v, _) => r.ThroughputCommands.TryGetValue(v, out var n) ? F($"{n:N0}") : "–"),
                Row("state writes/s", (_, c) => WritesPerSecond(c)),
                Row("throughput / baseline's", (v, _) => r.ThroughputVsBaseline(v) is { } x ? F($"{x:P0}") : "–", "service ≥ 60%"),
                Row("throughput / service's (state in memory)",
                    (v, _) => v == BenchOptions.ServicePg && r.PostgreSqlToMemory is { } x ? F($"{x:P0}") : "–", "service-pg ≥ 50%"),
                Row("CPU per record / baseline's", (v, _) => r.CpuVsBaseline(v) is { } x ? F($"{x:F2}×") : "–", "service ≤ 2×"),
                .. costs.Any(c => c.GaveUp is not null) ? new[] { Row("reached the last record", (_, c) => c.GaveUp ?? "yes") } : [],
            ]);
    }

    private static ReportSection Latency(BenchReport r)
    {
        var runs = (r.Floor is null ? r.Latency : [r.Floor, .. r.Latency]).ToList();
        IReadOnlyList<string> Row(string measure, Func<RateRun, string> cell, string target = "") =>
            [measure, .. runs.Select(cell), target];
        string Ms(double ms) => double.IsNaN(ms) ? "– (none timed)" : F($"{ms:F1} ms");
        string Floor(RateRun run, Func<RateRun, string> variant) => run == r.Floor ? "–" : variant(run);

        return new ReportSection(
            string.Create(C, $"Latency at {r.LatencyRate:N0} readings/s for {r.LatencySeconds} s: reading → command (floor: produce → consume, one hop)"),
            ["measure", .. runs.Select(run => run == r.Floor ? "floor: one hop" : Name(run.Name)), "target"],
            [
                Row("p50", run => Ms(run.Latency.P50Ms)),
                Row("p99", run => Ms(run.Latency.P99Ms), "≤ 20 ms (floor ≤ 10 ms; service-pg ≤ 30 ms at 5,000/s)"),
                Row("p99.9", run => Ms(run.Latency.P999Ms), "≤ 50 ms"),
                Row("max", run => Ms(run.Latency.MaxMs)),
                Row("records timed / expected (commands; floor: readings)", run => F($"{run.Arrived:N0} / {run.Expected:N0}")),
                Row("offered (achieved rate)", run => F($"{run.Offer.Offered:N0} ({run.Offer.OfferedPerSecond:N0}/s)")),
                Row("readings processed", run => Floor(run, v => F($"{v.Processed:N0}"))),
                Row("backlog when the offer ended", run => Floor(run, v => F($"{v.BacklogAtEnd:N0}"))),
                Row("drained after the offer in", run => Floor(run, v => v.DrainSeconds is { } d ? F($"{d:F1} s") : "not within the limit")),
                Row("group's committed lag after", run => Floor(run, v => F($"{v.FinalLag:N0}"))),
                Row("readings the broker still kept at the end", run => F($"{run.Retained:N0}")),
                Row("kept up", run => run.KeptUp ? "yes" : "no: " + run.Shortfall),
                Row("CPU per reading (this process; floor: the probe alone)", run => run.Cost is { } c ? F($"{c.CpuMicrosPerRecord:F1} µs") : "–"),
                Row("cores busy (this process)", run => run.Cost is { } c ? F($"{c.CoresBusy:F2}") : "–"),
                Row("broker CPU per reading", run => run.Cost?.BrokerCpuMicrosPerRecord is { } b ? F($"{b:F1} µs") : "–"),
                Row("state writes/s", run => run.Cost is { } c ? WritesPerSecond(c) : "–"),
            ]);
    }

    private static ReportSection Silos(BenchReport r)
    {
        var single = r.Silos.FirstOrDefault(run => run.Silos == 1);
        string Share(double? share) => share is { } s ? F($"{s:P1}") : "–";
        string Target(SilosRun run) => run.Silos == 1 || !run.ByPartition
            ? ""
            : single is null ? "local ≥ 99 % (last 5 s)" : F($"CPU ≤ 1 silo's ({single.Cost.CpuMicrosPerRecord:F1} µs); local ≥ 99 % (last 5 s)");
        return new ReportSection(
            F($"Silo processes: {r.SilosReadings:N0} readings over {r.Sensors:N0} sensors, produced once the settings were applied, measured from the end of the production to the last reading; membership and state in PostgreSQL"),
            ["run", "readings/s", "CPU per reading (silos, user + system)", "of which not idle cost", "silos' cores busy with no readings", "measures taken (the last counts); methods compiled per silo in it", "broker CPU per reading", "local share of grain calls",
                "local share, last 5 s (all, if less)", "readings partitions per silo", "cores busy per silo", "measured", "target"],
            r.Silos.Select(run => (IReadOnlyList<string>)
            [
                run.Silos == 1 ? "1 silo" : F($"{run.Silos} silos, {(run.ByPartition ? "placement by partition" : "Orleans' placement")}"),
                F($"{run.Cost.RecordsPerSecond:N0}"),
                F($"{run.Cost.CpuMicrosPerRecord:F1} µs"),
                F($"{run.LoadMicrosPerRecord:F1} µs"),
                F($"{run.IdleCores:F2}"),
                F($"{run.Measures}; {run.JitMethods:N0}"),
                run.Cost.BrokerCpuMicrosPerRecord is { } b ? F($"{b:F1} µs") : "–",
                Share(run.LocalShare),
                Share(run.SteadyLocalShare),
                string.Join(" + ", run.ReadingsPartitions),
                string.Join(" + ", run.SiloCpuSeconds.Select(cpu => F($"{(run.Cost.Seconds > 0 ? cpu / run.Cost.Seconds : 0):F2}"))),
                F($"{run.Cost.Records:N0} readings in {run.Cost.Seconds:F1} s"),
                Target(run),
            ]).ToList());
    }

    private static ReportSection Churn(SilosChurn c) => new(
        F($"Silo churn: {c.Silos} silo processes with placement by partition, readings offered at {c.Rate:N0}/s; a silo added, then one killed (SIGKILL); {c.ObservedSeconds} s watched after each, in 250 ms windows; seconds count from the change"),
        ["change", "partitions settled after", "calls ≥ 99 % local again after", "of which after settling", "lowest local share of a window", "readings caught up after", "target"],
        c.Events.Select(e => (IReadOnlyList<string>)
        [
            e.What,
            F($"{e.SettledSeconds:F1} s"),
            F($"{e.LocalAgainSeconds:F1} s"),
            F($"{e.LocalAfterSettledSeconds:F1} s"),
            e.LowestShare is { } low ? F($"{low:P1}") : "–",
            F($"{e.CaughtUpSeconds:F1} s"),
            "≥ 99 % local within 5 s",
        ]).ToList());

    private static ReportSection Outage(BenchReport r)
    {
        const string title = "PostgreSQL outage";
        string[] columns = ["measure", "figure", "target"];
        if (r.Outage is not { } o)
        {
            return new ReportSection(title, columns, [["service-pg through a stop of its PostgreSQL server", r.OutageNote ?? "", ""]]);
        }

        var failsafe = o.FailsafeAfterSeconds is { } after ? F($"failsafe after {after:F0} s") : "failsafe off";
        var stayedUp = o.StayedUp ? F($"yes (the silo stopped in {o.SiloStopSeconds:F1} s)") : $"no: {o.SiloStopError}";
        var repeated = o.Repeated > 0 ? F($", {o.Repeated:N0} repeated") : "";
        return new ReportSection(
            F($"{title}: the throwaway server stopped {o.BeforeSeconds} s into {o.BeforeSeconds + o.PlannedSeconds + o.AfterSeconds} s at {o.Rate:N0} readings/s (after a {r.WarmupSeconds} s warm-up), for {o.PlannedSeconds} s; silo Ingress:MaxRetryDelay {o.MaxRetryDelaySeconds:F0} s, {failsafe}"),
            columns,
            [
                ["outage (stop called → start returned)", F($"{o.OutageSeconds:F1} s"), ""],
                ["backlog when the server returned", F($"{o.BacklogAtReturn:N0} readings"), ""],
                ["server back → first reading processed",
                    o.ResumedSeconds is { } resumed ? F($"{resumed:F1} s") : o.CatchUpSeconds is null ? F($"not within {o.CatchUpLimitSeconds:F0} s") : "–", ""],
                ["catch-up: server back → readings processed ≥ offered so far − 1 s of readings",
                    o.CatchUpSeconds is { } s ? F($"{s:F1} s") : F($"not within {o.CatchUpLimitSeconds:F0} s"), "≤ 15 s"],
                ["lost: commands expected but never seen (distinct seen / expected)",
                    F($"{o.Lost:N0} ({o.Distinct:N0} / {o.Expected:N0}{repeated})"), "0"],
                ["failsafe Offs during the phase", F($"{o.FailsafeOffs:N0}"), "0"],
                ["max reading → command latency (p99)",
                    o.Latency.Samples == 0 ? "– (none timed)" : F($"{o.Latency.MaxMs:N0} ms ({o.Latency.P99Ms:N0} ms)"), ""],
                ["readings offered / processed", F($"{o.Offer.Offered:N0} / {o.Processed:N0}{(o.Offer.Failed > 0 ? F($" ({o.Offer.Failed:N0} not acknowledged)") : "")}"), ""],
                ["service stayed up (the phase completed, the silo stopped cleanly)", stayedUp, "yes"],
            ]);
    }

    private static IEnumerable<IReadOnlyList<string>> Other(BenchReport r)
    {
        if (r.SettingToEffect is { } s)
        {
            yield return ["setting → first command, p50 / p99", F($"{s.P50Ms:F1} / {s.P99Ms:F1} ms ({s.Samples} samples)"), ""];
        }

        foreach (var m in r.Memory)
        {
            yield return
            [
                F($"memory with {m.ActiveSensors:N0} active sensors"),
                F($"heap {m.ManagedBytes / 1048576.0:N0} MiB, RSS {m.RssBytes / 1048576.0:N0} MiB; {m.ManagedBytesPerSensor:N0} / {m.RssBytesPerSensor:N0} B per sensor"),
                m.ActiveSensors >= 1_000_000 ? "heap ≤ 1,536 B per sensor, RSS ≤ 3 GiB" : "",
            ];
        }
    }

    private static string Name(string variant) => variant switch
    {
        BenchOptions.Baseline => "baseline: bare Confluent loop",
        BenchOptions.Service => "service: ingress → grain → egress",
        BenchOptions.ServicePg => "service-pg: the same, state in PostgreSQL",
        BenchOptions.Peer => "peer: Streamiz.Kafka.Net",
        _ => variant,
    };

    private static string WritesPerSecond(PhaseCost cost) => cost.StateWritesPerSecond is { } w ? F($"{w:N0}") : "–";

    private static string F(FormattableString text) => text.ToString(C);
}
