using System.Diagnostics;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// Logs a burst of like failures as one line per interval and cause instead of one line (and stack trace) per
/// failure: during a database or broker outage thousands of operations fail alike, and what an operator needs is
/// that, how many, and why. The cause is the innermost exception's type, so a database and a broker failing at once
/// each get their line. The first failure of a cause after a quiet interval is logged at once.
/// </summary>
internal sealed partial class FailureSummary(ILogger logger, string what, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, (long WindowStart, int Suppressed)> _causes = [];

    public void Failed(Exception exception)
    {
        var reason = exception.GetBaseException();
        var now = Stopwatch.GetTimestamp();
        int count;
        lock (_lock)
        {
            var cause = _causes.GetValueOrDefault(reason.GetType(), (WindowStart: long.MinValue, Suppressed: 0));
            if (cause.WindowStart != long.MinValue && Stopwatch.GetElapsedTime(cause.WindowStart, now) < interval)
            {
                _causes[reason.GetType()] = (cause.WindowStart, cause.Suppressed + 1);
                return;
            }

            count = cause.Suppressed + 1;
            _causes[reason.GetType()] = (now, 0);
        }

        LogFailed(logger, what, count, interval, reason.GetType().Name, reason.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} failed {Count} time(s) since the last report (one per {Interval} at most); latest: {Type}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, int count, TimeSpan interval, string type, string reason);
}
