using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Diagnostics;

/// <summary>
/// One line per event: time, level, the category's last name (<c>ActivitySummaryService</c>, not its namespace and
/// event ID), the message; an exception follows on its own lines. What a person reads in a terminal or a container log.
/// </summary>
internal sealed class ShortConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "short";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var time = options.CurrentValue.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
        var category = logEntry.Category[(logEntry.Category.LastIndexOf('.') + 1)..];
        textWriter.Write($"{time:HH:mm:ss.fff} {Level(logEntry.LogLevel)} {category}: {message}");
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(Environment.NewLine);
            textWriter.Write(exception.ToString());
        }

        textWriter.Write(Environment.NewLine);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
