using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// A program of this solution as a real child process, its output kept line by line: the silo, so that a test can
/// kill it without grace (SIGKILL), or a command run as a user runs it.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>A silo process on <paramref name="kafka"/> and a PostgreSQL database, on fresh loopback ports.</summary>
    public static ChildProcess StartOn(TestBroker kafka, string database, params string[] extra)
    {
        var http = new Uri($"http://127.0.0.1:{SiloProcess.FreePort()}");
        var silo = Start("HeaterOrleans.Silo",
        [
            .. PostgreSqlRestartTests.SiloArgs(kafka, database),
            $"--Orleans:SiloPort={SiloProcess.FreePort()}", $"--urls={http}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:HeaterOrleans=Information",
            .. extra,
        ]);
        silo.Http = http;
        return silo;
    }

    /// <summary>Where a silo started by <see cref="StartOn"/> serves HTTP.</summary>
    public Uri? Http { get; private set; }

    /// <summary>The ingress calls this silo's sensor grains took so far, by locality (its <c>/metrics</c>).</summary>
    public async Task<(long Local, long Remote)> GrainCallsAsync()
    {
        using var client = new HttpClient { BaseAddress = Http ?? throw new InvalidOperationException("not started by StartOn") };
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        long Count(string local) => Regex.Matches(metrics, $@"^heater_grain_calls_total\{{[^}}]*local=""{local}""[^}}]*\}} (\d+)", RegexOptions.Multiline)
            .Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return (Count("true"), Count("false"));
    }

    /// <summary>Starts <paramref name="program"/>, an apphost built beside the tests (a project they reference).</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sensor grains active in this silo, from its latest summary line (0 before the first).</summary>
    public long ActiveSensors =>
        Output.Select(line => Regex.Match(line, @"(\d+) sensors active here")).Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).LastOrDefault();

    public bool Logged(string text) => Output.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// Waits until every one of <paramref name="silos"/> has been assigned partitions. Fails at once when one
    /// exits, and on time-out, with the last lines each printed: a silo that never joins says why there.
    /// </summary>
    public static async Task WaitForPartitionsAsync(TimeSpan timeout, params ChildProcess[] silos)
    {
        bool AllAssigned() => silos.All(s => s.Logged("Ingress assigned"));
        await Eventually.Until(() => AllAssigned() || silos.Any(s => s.HasExited), ended => ended, timeout);
        if (!AllAssigned())
        {
            var reports = silos.Select((s, i) =>
                $"===== silo {i + 1}{(s.HasExited ? $", exited with {s.ExitCode}" : string.Empty)}{Environment.NewLine}" +
                string.Join(Environment.NewLine, s.Output.TakeLast(40)));
            Assert.Fail($"not every silo got partitions within {timeout}{Environment.NewLine}{string.Join(Environment.NewLine, reports)}");
        }
    }

    /// <summary>SIGKILL: no drain, no commit, no leaving the cluster; as a crashed pod.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to end by itself, and kills it after <paramref name="timeout"/>: whether it ended in time.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; returns the exit code once the process has drained and exited.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            Output.Enqueue(line);
        }
    }
}
