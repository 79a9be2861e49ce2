using HeaterOrleans.Silo.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HeaterOrleans.UnitTests;

public class FailureSummaryTests
{
    [Fact]
    public void An_outage_logs_one_line_per_interval_and_cause_not_one_per_failure()
    {
        var logger = new LinesLogger();
        var summary = new FailureSummary(logger, "Record processing", TimeSpan.FromHours(1));

        for (var i = 0; i < 1000; i++)
        {
            summary.Failed(new InvalidOperationException("wrapped", new NpgsqlException("connection refused")));
            summary.Failed(new TimeoutException("broker"));
        }

        Assert.True(logger.Lines.Count == 2, string.Join(" | ", logger.Lines));
        Assert.Contains(logger.Lines, l => l.Contains("NpgsqlException: connection refused", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Contains("TimeoutException: broker", StringComparison.Ordinal));
    }

    private sealed class LinesLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
