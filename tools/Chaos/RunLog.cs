using System.Diagnostics;
using System.Globalization;

namespace HeaterOrleans.Chaos;

/// <summary>Progress lines stamped with the time since the run started; safe to call from any task.</summary>
internal sealed class RunLog(TextWriter writer)
{
    private readonly TextWriter _writer = TextWriter.Synchronized(writer);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Line(string text) =>
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,7:F1}s] {text}"));
}
