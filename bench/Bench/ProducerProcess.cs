using System.Globalization;
using System.Text.Json;
using HeaterOrleans.Chaos;

namespace HeaterOrleans.Bench;

/// <summary>
/// The bench re-launched as <c>HeaterOrleans.Bench produce ...</c> (see <see cref="ProduceCommand"/>): the offered
/// load of a latency run comes from outside the measured process.
/// </summary>
internal sealed class ProducerProcess : IDisposable
{
    private readonly ChildProcess _child;
    private readonly TimeSpan _timeout;

    private ProducerProcess(ChildProcess child, TimeSpan timeout)
    {
        _child = child;
        _timeout = timeout;
    }

    public static ProducerProcess Start(
        string bootstrapServers, string topic, int rate, int warmupSeconds, int seconds, int sensors, int firstSensor, string logPath)
    {
        var c = CultureInfo.InvariantCulture;
        var child = ChildProcess.Start(
            "producer", Path.Combine(AppContext.BaseDirectory, "HeaterOrleans.Bench"),
            [
                ProduceCommand.Name, $"--BootstrapServers={bootstrapServers}", $"--Topic={topic}", string.Create(c, $"--Rate={rate}"),
                string.Create(c, $"--WarmupSeconds={warmupSeconds}"), string.Create(c, $"--Seconds={seconds}"),
                 string.Create(c, $"--Sensors={sensors}"), string.Create(c, $"--FirstSensor={firstSensor}"),
            ],
            logPath);
        // Start-up, the run itself, and a minute for a slow broker to acknowledge the last records.
        return new ProducerProcess(child, TimeSpan.FromSeconds(warmupSeconds + seconds + 90));
    }

    /// <summary>Waits for the end of the warm-up; returns its Unix time in milliseconds.</summary>
    public async Task<long> WarmedUpAsync()
    {
        var line = await _child.WaitForLineAsync(
            l => l.StartsWith(ProducerResult.MeasuringPrefix, StringComparison.Ordinal), _timeout, CancellationToken.None);
        return long.Parse(line[ProducerResult.MeasuringPrefix.Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for the producer to finish and returns what it offered.</summary>
    public async Task<ProducerResult> ResultAsync()
    {
        var line = await _child.WaitForLineAsync(l => l.StartsWith(ProducerResult.Prefix, StringComparison.Ordinal), _timeout, CancellationToken.None);
        await _child.WaitForExitAsync(TimeSpan.FromSeconds(10));
        return JsonSerializer.Deserialize<ProducerResult>(line[ProducerResult.Prefix.Length..])
            ?? throw new InvalidOperationException($"The producer printed an empty result: {line}");
    }

    public void Dispose() => _child.Dispose();
}
