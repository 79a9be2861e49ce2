using System.Globalization;
using System.Text.RegularExpressions;

namespace HeaterOrleans.Chaos;

/// <summary>
/// The embedded broker in a process of its own (<c>HeaterOrleans.Silo kafka-only</c>), so that it keeps the
/// data while silos die, and takes <c>down</c>/<c>up</c> on standard input for outages. The benchmark runs its
/// brokers through it too (linked into bench/Bench), to read their CPU time apart from its own.
/// </summary>
internal sealed partial class BrokerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private BrokerProcess(ChildProcess process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>The broker's operating-system process id.</summary>
    public int ProcessId => _process.Id;

    public static Task<BrokerProcess> StartAsync(string siloPath, int partitions, string runFolder, CancellationToken cancellationToken) =>
        StartAsync(
            siloPath,
            [
                string.Create(CultureInfo.InvariantCulture, $"--Kafka:Embedded:Partitions={partitions}"),
                // The check reads every command and dead letter from the beginning at the end: keep them all.
                "--Kafka:Embedded:Retention=1.00:00:00", "--Kafka:Embedded:MaxRetainedRecords=100000000",
            ],
            Path.Combine(runFolder, "broker.log"),
            cancellationToken);

    /// <param name="options">The <c>kafka-only</c> command's options (<c>--Kafka:...</c>).</param>
    public static async Task<BrokerProcess> StartAsync(string siloPath, IEnumerable<string> options, string logPath, CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start("broker", siloPath, ["kafka-only", .. options], logPath, redirectInput: true);
        try
        {
            var line = await process.WaitForLineAsync(l => Listening().IsMatch(l), TimeSpan.FromSeconds(60), cancellationToken);
            return new BrokerProcess(process, Listening().Match(line).Groups[1].Value);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Every broker of the cluster refuses connections until <see cref="UpAsync"/>.</summary>
    public Task DownAsync(CancellationToken cancellationToken) => CommandAsync("down", "Embedded Kafka down", cancellationToken);

    public Task UpAsync(CancellationToken cancellationToken) => CommandAsync("up", "Embedded Kafka up", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.SendLineAsync("exit");
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5));
            }
            catch (IOException)
            {
                // Its input is closed: it is going anyway; Dispose kills what is left.
            }
        }

        _process.Dispose();
    }

    private async Task CommandAsync(string command, string echo, CancellationToken cancellationToken)
    {
        var from = _process.LineCount;
        await _process.SendLineAsync(command);
        await _process.WaitForLineAsync(l => l.StartsWith(echo, StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellationToken, from);
    }

    [GeneratedRegex(@"^Embedded Kafka listening on (\S+)")]
    private static partial Regex Listening();
}
