using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HeaterOrleans.Testing;

/// <summary>
/// A throwaway PostgreSQL server from the machine's binaries (<c>/usr/lib/postgresql/*/bin</c>), in a
/// temporary directory on a free loopback port, run as an unprivileged user (initdb refuses root).
/// It can be stopped and started again on the same data and port, to play a database outage. It runs with
/// PostgreSQL's defaults (fsync on, 100 connections), as production does, so that what passes here holds there.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string? _runAs;
    private readonly int? _maxConnections;

    private PostgresServer(string bin, string root, string? runAs, int port, int? maxConnections)
    {
        _bin = bin;
        _root = root;
        _runAs = runAs;
        Port = port;
        _maxConnections = maxConnections;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Initialises a cluster and starts it; throws with instructions when PostgreSQL is not installed.</summary>
    /// <param name="maxConnections">
    /// Below PostgreSQL's default of 100, for a test of what the service does when the server runs out of connections;
    /// kept across <see cref="StartAgainAsync"/>.
    /// </param>
    public static async Task<PostgresServer> StartAsync(int? maxConnections = null)
    {
        if (maxConnections is < 4 or > 100)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxConnections), maxConnections, "From 4 (PostgreSQL keeps 3 for superusers) up to its default of 100.");
        }

        var bin = FindBinaries();
        var root = Path.Combine(Path.GetTempPath(), $"heater-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string? runAs = null;
        if (Environment.UserName == "root")
        {
            runAs = await RunAsync("id", ["-u", "postgres"], throwOnError: false) == 0 ? "postgres" : "nobody";
            await RunAsync("chown", [runAs, root]);
        }

        var server = new PostgresServer(bin, root, runAs, FreePort(), maxConnections);
        // --no-sync skips only initdb's own flush of the new cluster; the server runs with fsync on.
        await server.RunAsBinaryAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync(immediate: true).GetAwaiter().GetResult();
        return server;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"heater_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (an outage: clients see refused connections) until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync(bool immediate = false) =>
        RunAsBinaryAsync("pg_ctl", ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], throwOnError: false);

    public async Task StartAgainAsync()
    {
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1" +
                      (_maxConnections is { } max ? $" -c max_connections={max}" : "");
        await RunAsBinaryAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(immediate: true);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server that did not stop keeps files open; the temporary directory is left behind.
        }
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("HEATER_PG_BIN");
        var candidates = configured is not null
            ? [configured]
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin"))
                : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the Debian 'postgresql' package " +
                "(.ci/run does) or set HEATER_PG_BIN.");
    }

    private Task<int> RunAsBinaryAsync(string name, string[] args, bool throwOnError = true)
    {
        var path = Path.Combine(_bin, name);
        return _runAs is null
            ? RunAsync(path, args, throwOnError)
            : RunAsync("runuser", ["-u", _runAs, "--", path, .. args], throwOnError);
    }

    private static async Task<int> RunAsync(string file, string[] args, bool throwOnError = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return process.ExitCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
