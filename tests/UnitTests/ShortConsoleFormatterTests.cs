using HeaterOrleans.Silo.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.UnitTests;

public class ShortConsoleFormatterTests
{
    [Fact]
    public void Writes_one_line_with_the_category_s_last_name_and_no_event_id()
    {
        var formatter = new ShortConsoleFormatter(new OptionsMonitor(new ConsoleFormatterOptions()));
        var output = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "HeaterOrleans.Silo.Diagnostics.ActivitySummaryService", new EventId(1602941713),
            "Service: 20.0 readings/s", null, (state, _) => state);

        formatter.Write(entry, null, output);

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} info ActivitySummaryService: Service: 20\.0 readings/s\r?\n$", output.ToString());
    }

    private sealed class OptionsMonitor(ConsoleFormatterOptions value) : IOptionsMonitor<ConsoleFormatterOptions>
    {
        public ConsoleFormatterOptions CurrentValue => value;

        public ConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleFormatterOptions, string?> listener) => null;
    }
}
