using System.ComponentModel;
using HeaterOrleans.Tools;

namespace HeaterOrleans.UnitTests;

public class CommandLineOptionsTests
{
    [Fact]
    public void Reads_name_value_pairs_in_any_case_bare_flags_and_repeated_list_options()
    {
        var options = CommandLineOptions.Parse<ToolOptions>(["--count=3", "--Verbose", "--Args=--A=1", "--args=--B=2", "--Wait=00:00:05"]);

        Assert.Equal(3, options.Count);
        Assert.True(options.Verbose);
        Assert.Equal(["--A=1", "--B=2"], options.Args);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Wait);
        Assert.Equal(7, CommandLineOptions.Parse<ToolOptions>([]).Count);
    }

    [Theory]
    [InlineData("--Cuont=3", "Unknown option --Cuont")]
    [InlineData("--Count=three", "Count")]
    [InlineData("--Count", "--Count needs a value")]
    [InlineData("count=3", "Unexpected argument")]
    public void Refuses_what_it_cannot_read_with_the_reason(string arg, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => CommandLineOptions.Parse<ToolOptions>([arg]));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_option_with_its_default_and_description()
    {
        var help = CommandLineOptions.Help<ToolOptions>("tool [--Name=value ...]", "Does things.", ["tool --Count=2"]);

        Assert.Contains("--Count (default: 7)", help, StringComparison.Ordinal);
        Assert.Contains("How many.", help, StringComparison.Ordinal);
        Assert.Contains("--Args (repeatable)", help, StringComparison.Ordinal);
        Assert.Contains("tool --Count=2", help, StringComparison.Ordinal);
    }

    public sealed class ToolOptions
    {
        [Description("How many.")]
        public int Count { get; set; } = 7;

        [Description("Say more.")]
        public bool Verbose { get; set; }

        [Description("Passed on.")]
        public IReadOnlyList<string> Args { get; set; } = [];

        [Description("How long.")]
        public TimeSpan Wait { get; set; }
    }
}
