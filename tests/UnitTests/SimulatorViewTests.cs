using HeaterOrleans.Contracts;
using HeaterOrleans.Silo.Simulator;
using Spectre.Console;

namespace HeaterOrleans.UnitTests;

public class SimulatorViewTests
{
    [Fact]
    public void Shows_each_heater_against_its_band_the_rates_and_how_to_send_a_setting()
    {
        var now = DateTimeOffset.UtcNow;
        var on = new SimulatedHeater(1, 19.2, new SensorSetting(20, 0.5, 0.5));
        on.Obey(true, now.AddSeconds(-12));
        on.Step(TimeSpan.FromSeconds(5));
        var off = new SimulatedHeater(2, 21.0, new SensorSetting(21, 0.5, 0.5));

        var text = Rendered(SimulatorView.Render([on, off], new ServiceRates(20, 0.5, 1.5, 3), "127.0.0.1:9092", "http://0.0.0.0:8080", now));

        Assert.Contains("127.0.0.1:9092", text, StringComparison.Ordinal);
        Assert.Matches(@"│ 1\s+│ 19\.\d\d °C │ 19\.5 – 20\.5 │ ON\s+│\s+12 s ago │", text);
        Assert.Matches(@"│ 2\s+│ 21\.00 °C │ 20\.5 – 21\.5 │ off\s+│\s+– │", text);
        Assert.Contains("20.0 readings/s   0.5 settings/s   1.5 commands/s   dead-lettered: 3", text, StringComparison.Ordinal);
        Assert.Contains("curl -X PUT http://localhost:8080/sensors/1/setting", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trend_scales_each_reading_between_the_bounds()
    {
        Assert.Equal("▁▅█▁█", SimulatorView.Sparkline([19, 20, 21, 10, 30], 19, 21));
    }

    private static string Rendered(Spectre.Console.Rendering.IRenderable view)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        console.Write(view);
        return output.ToString();
    }
}
