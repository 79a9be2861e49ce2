using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HeaterOrleans.Chaos;

namespace HeaterOrleans.Bench;

/// <summary>
/// The silo processes of one run of the silos phase: the <c>HeaterOrleans.Silo</c> apphost beside the bench (as the
/// broker's), on the phase's broker and topics, clustered in a PostgreSQL database of the run's own, each logging to
/// the output folder. Their CPU time is read from the processes, their counters from their <c>/metrics</c>.
/// Disposing kills them: the figures are taken by then, and nothing reads their database again.
/// </summary>
internal sealed partial class SiloGroup : IDisposable
{
    // After the last partition moved: long enough for the cooperative rebalance's second round, and for each silo's
    // partition map report (every second, and at once on a change) to reach the others before a grain is placed, on
    // starved cores too (with 3 s, 200 grains placed by settings went to the wrong silo of two, and moved on their
    // first reading, in a busy-core run).
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private readonly List<Member> _members;
    private readonly Func<int, Member> _launch;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int _relaunches;
    private int _launched;

    private SiloGroup(List<Member> members, Func<int, Member> launch) => (_members, _launch, _launched) = (members, launch, members.Count);

    /// <summary>User plus system CPU time of each silo process so far.</summary>
    public IReadOnlyList<TimeSpan> CpuTimes => _members.Select(m =>
    {
        m.Process.Refresh();
        return m.Process.TotalProcessorTime;
    }).ToList();

    /// <summary>User plus system CPU time of the silo processes so far, together.</summary>
    public TimeSpan CpuTime => CpuTimes.Aggregate(TimeSpan.Zero, (sum, t) => sum + t);

    /// <param name="cluster">Orleans' cluster and service id: unique to the run, so that runs sharing a database of the user's keep apart.</param>
    /// <param name="byPartition"><c>Placement:ByPartition</c>: ours, or Orleans' default placement.</param>
    public static SiloGroup Start(BenchOptions options, PhaseKafka kafka, string database, string cluster, int count, bool byPartition)
    {
        var siloPath = Path.Combine(AppContext.BaseDirectory, "HeaterOrleans.Silo");
        if (!File.Exists(siloPath))
        {
            throw new FileNotFoundException("The Silo apphost is not beside the bench; build bench/Bench (it references src/Silo).", siloPath);
        }

        var c = CultureInfo.InvariantCulture;
        string[] args =
        [
            $"--Kafka:BootstrapServers={kafka.BootstrapServers}", $"--Kafka:GroupId={kafka.Topics.GroupId}", .. kafka.Topics.ServiceArgs,
            string.Create(c, $"--Kafka:FetchWaitMaxMs={ClientTuning.FetchWaitMaxMs}"), string.Create(c, $"--Kafka:LingerMs={ClientTuning.LingerMs}"),
            // The mock broker's rebalance waits session.timeout - 1 s (45 s by default): as the chaos tool's silos.
            "--Kafka:SessionTimeoutMs=6000", "--Kafka:HeartbeatIntervalMs=500",
            "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Orleans={database}", "--Orleans:AdvertisedIPAddress=127.0.0.1",
            $"--Orleans:ClusterId={cluster}", $"--Orleans:ServiceId={cluster}",
            "--Api:AllowAnonymousWrites=true", "--Simulator:Enabled=false", $"--Failsafe:Enabled={options.Failsafe}", $"--Placement:ByPartition={byPartition}",
            // Information for the ingress's assignments, which tell when the group is stable.
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:HeaterOrleans=Information",
        ];
        var members = new List<Member>();
        try
        {
            for (var i = 1; i <= count; i++)
            {
                members.Add(Launch(i));
            }
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }

        return new SiloGroup(members, Launch);

        Member Launch(int i)
        {
            var http = new Uri(string.Create(c, $"http://127.0.0.1:{FreePort()}"));
            var name = string.Create(c, $"{kafka.Topics.Phase}-silo-{i}");
            var child = ChildProcess.Start(
                name, siloPath, [.. args, string.Create(c, $"--Orleans:SiloPort={FreePort()}"), $"--urls={http}"], Path.Combine(options.Output, name + ".log"));
            try
            {
                return new Member(child, http);
            }
            catch
            {
                child.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Waits until the group is stable: every silo's ingress holds partitions, together they hold each partition of
    /// <paramref name="topics"/> once, and none moved for <see cref="Quiet"/>. Read from their "Ingress assigned",
    /// "revoked" and "lost" lines.
    /// </summary>
    public async Task WaitStableAsync(IReadOnlyCollection<string> topics, int partitions, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var sinceChange = Stopwatch.StartNew();
        while (true)
        {
            for (var i = 0; i < _members.Count; i++)
            {
                RelaunchIfPortTaken(i);
                var member = _members[i];
                await ThrowIfExitedAsync(member);
                if (await member.ReadIngressLinesAsync())
                {
                    sinceChange.Restart();
                }
            }

            var held = _members.SelectMany(m => m.Held).ToList();
            if (_members.All(m => m.Held.Count > 0) && held.Count == topics.Count * partitions && held.Distinct().Count() == held.Count
                && sinceChange.Elapsed >= Quiet)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                var holdings = string.Join("; ", _members.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Child.Name} {m.Held.Count}")));
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"the {_members.Count} silo(s) did not settle on the {topics.Count * partitions} partitions within {timeout.TotalSeconds:F0} s (partitions held: {holdings})."));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Starts one more silo process; it joins the group and its ingress the consumer group.</summary>
    public void Add() => _members.Add(_launch(++_launched));

    /// <summary>Kills silo <paramref name="index"/> (SIGKILL: no drain, no leave) and forgets it.</summary>
    public void Kill(int index)
    {
        var member = _members[index];
        _members.RemoveAt(index);
        member.Child.Kill();
        member.Dispose();
    }

    /// <summary>Reads the silos' ingress lines logged since the last call; true when any silo's partitions changed.</summary>
    public async Task<bool> ReadIngressLinesAsync()
    {
        var changed = false;
        foreach (var member in _members)
        {
            changed |= await member.ReadIngressLinesAsync();
        }

        return changed;
    }

    /// <summary>Each silo's counters, by process name; a silo still starting (its HTTP not up yet) is left out.</summary>
    public async Task<IReadOnlyDictionary<string, SiloMetrics>> ScrapeEachAsync()
    {
        var members = _members.ToList();
        var each = await Task.WhenAll(members.Select(async m =>
        {
            try
            {
                return (SiloMetrics?)await ScrapeAsync(m);
            }
            catch (HttpRequestException) when (!m.Child.HasExited)
            {
                return null;
            }
        }));
        return members.Zip(each).Where(m => m.Second is not null).ToDictionary(m => m.First.Child.Name, m => m.Second!.Value);
    }

    /// <summary>Partitions of <paramref name="topic"/> each silo holds, as its log said last.</summary>
    public IReadOnlyList<int> Holding(string topic) => _members.Select(m => m.Held.Count(h => h.Topic == topic)).ToList();

    /// <summary>The silos' counters, summed.</summary>
    public async Task<SiloMetrics> ScrapeAsync()
    {
        var each = await Task.WhenAll(_members.Select(ScrapeAsync));
        return each.Aggregate(default(SiloMetrics), (sum, m) => sum + m);
    }

    public void Dispose()
    {
        _members.ForEach(m => m.Dispose());
        _http.Dispose();
    }

    private async Task<SiloMetrics> ScrapeAsync(Member member)
    {
        await ThrowIfExitedAsync(member);
        try
        {
            return SiloMetrics.Parse(await _http.GetStringAsync(new Uri(member.Http, "/metrics")));
        }
        catch (TaskCanceledException e)
        {
            // Not an OperationCanceledException to the caller, which would take it for the run being cancelled.
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture, $"{member.Child.Name}: /metrics did not answer within {_http.Timeout.TotalSeconds:F0} s."), e);
        }
    }

    /// <summary>A silo gone mid-run ends it, with its last lines.</summary>
    /// <summary>
    /// A free port is found by binding and releasing it, so another process (a test beside the smoke run) can take it
    /// before the silo binds it: a silo that exited on that, while the group settles, starts again on fresh ports.
    /// </summary>
    private void RelaunchIfPortTaken(int index)
    {
        var member = _members[index];
        if (member.Child.HasExited && member.Child.Logged("Address already in use") && _relaunches++ < 3)
        {
            member.Dispose();
            _members[index] = _launch(index + 1);
        }
    }

    private static async Task ThrowIfExitedAsync(Member member)
    {
        if (member.Child.HasExited)
        {
            await member.Child.WaitForLineAsync(_ => false, TimeSpan.Zero, CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Ingress (?<change>assigned|revoked|lost) (?<partitions>.*)$")]
    private static partial Regex IngressLine();

    [GeneratedRegex(@"(?<topic>[^\s,\[\]]+)\[(?<numbers>[\d,]*)\]")]
    private static partial Regex TopicPartitions();

    /// <summary>A silo process, and the partitions its ingress holds as its log has said so far.</summary>
    private sealed class Member(ChildProcess child, Uri http) : IDisposable
    {
        private int _read;

        public ChildProcess Child { get; } = child;

        public Process Process { get; } = Process.GetProcessById(child.Id);

        public Uri Http { get; } = http;

        public HashSet<(string Topic, int Partition)> Held { get; } = [];

        /// <summary>Applies the ingress's lines logged since the last call; true when the partitions held changed.</summary>
        public async Task<bool> ReadIngressLinesAsync()
        {
            var changed = false;
            for (; _read < Child.LineCount; _read++)
            {
                // The line at _read (logged already, so no wait): the runner keeps its lines to itself otherwise.
                var line = await Child.WaitForLineAsync(_ => true, TimeSpan.FromSeconds(1), CancellationToken.None, _read);
                if (IngressLine().Match(line) is not { Success: true } match)
                {
                    continue;
                }

                var partitions = TopicPartitions().Matches(match.Groups["partitions"].Value).SelectMany(tp =>
                    tp.Groups["numbers"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries)
                        .Select(n => (tp.Groups["topic"].Value, int.Parse(n, CultureInfo.InvariantCulture))));
                foreach (var partition in partitions)
                {
                    changed |= match.Groups["change"].Value == "assigned" ? Held.Add(partition) : Held.Remove(partition);
                }
            }

            return changed;
        }

        public void Dispose()
        {
            Child.Dispose();
            Process.Dispose();
        }
    }
}
