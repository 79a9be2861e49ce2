using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HeaterOrleans.Simulation;

/// <summary>
/// Collects what the in-process service logs at Error or above while the loop runs: a run during which the
/// service failed is not a measurement of control quality.
/// </summary>
internal sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _first = new();
    private long _count;

    public bool Recording { get; set; }

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyList<string> First => [.. _first];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string category, LogLevel level, string message, Exception? exception)
    {
        if (!Recording || level < LogLevel.Error)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) <= 5)
        {
            _first.Enqueue($"{level} {category}: {message}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
        }
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add(category, logLevel, formatter(state, exception), exception);
    }
}
