using System.Diagnostics;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// Logs a burst of like failures as one line per interval instead of one line (and stack trace) per failure: during
/// a database or broker outage thousands of operations fail alike, and what an operator needs is that, how many, and
/// why. The first failure after a quiet interval is logged at once.
/// </summary>
internal sealed partial class FailureSummary(ILogger logger, string what, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _windowStart = long.MinValue;
    private int _suppressed;

    public void Failed(Exception exception)
    {
        var now = Stopwatch.GetTimestamp();
        int count;
        lock (_lock)
        {
            if (_windowStart != long.MinValue && Stopwatch.GetElapsedTime(_windowStart, now) < interval)
            {
                _suppressed++;
                return;
            }

            count = _suppressed + 1;
            _suppressed = 0;
            _windowStart = now;
        }

        var reason = exception.GetBaseException();
        LogFailed(logger, what, count, interval, reason.GetType().Name, reason.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed {Count} time(s) since the last report (one per {Interval} at most); latest: {Type}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, int count, TimeSpan interval, string type, string reason);
}
