using System.Diagnostics;
using System.Globalization;

namespace HeaterOrleans.Chaos;

/// <summary>
/// A process of the run (broker or silo): its standard output and error go to a log file of the run folder
/// and are kept in memory so the harness can wait for a line.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _logFile;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private bool _closed;

    private ChildProcess(string name, Process process, StreamWriter logFile)
    {
        Name = name;
        _process = process;
        _logFile = logFile;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public static ChildProcess Start(string name, string file, IEnumerable<string> args, string logPath, bool redirectInput = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(file)!,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var logFile = new StreamWriter(logPath, append: false) { AutoFlush = true };
        logFile.WriteLine($"# {file} {string.Join(' ', args)}");
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(name, process, logFile);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public bool Logged(string text) => FindLine(l => l.Contains(text, StringComparison.Ordinal), 0) is not null;

    /// <summary>Waits for a line from index <paramref name="from"/> on that matches; fails when the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (FindLine(match, from) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await OutputDrainedAsync(cancellationToken); // the last lines of a dying process arrive late
                return FindLine(match, from) ?? throw new InvalidOperationException(
                    $"{Name} exited with {_process.ExitCode} before the expected line; last lines:{Environment.NewLine}{Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not log the expected line within {timeout}; last lines:{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod on a scale-down: the silo drains, commits and leaves the cluster.</summary>
    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        Note("sent SIGTERM");
    }

    /// <summary>SIGKILL, as a crashed pod: no drain, no commit, no goodbye to the cluster.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Note("killed (SIGKILL)");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(timer.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!HasExited)
        {
            Kill();
        }

        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _logFile.Dispose();
        }
    }

    /// <summary>
    /// After the exit, waits for the end of its output: a fixed pause was not enough when this process's thread pool,
    /// which delivers the lines, was busy (the bench's silo retrying a failing database).
    /// </summary>
    private async Task OutputDrainedAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Its output did not end (a grandchild holds the pipe): go with the lines there are.
        }
    }

    private string? FindLine(Func<string, bool> match, int from)
    {
        lock (_gate)
        {
            for (var i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                {
                    return _lines[i];
                }
            }

            return null;
        }
    }

    private string Tail()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(20));
        }
    }

    private void Note(string text)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _logFile.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {DateTime.Now:HH:mm:ss.fff} harness: {text}"));
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            if (!_closed)
            {
                _logFile.WriteLine(line);
            }
        }
    }
}
