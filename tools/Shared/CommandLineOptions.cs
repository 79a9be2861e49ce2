using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace HeaterOrleans.Tools;

/// <summary>
/// The one command-line convention of the tools (bench, chaos harness, simulation), the silo's own: <c>--Name=value</c>
/// with the option class's property names (any case), a bare <c>--Flag</c> for a true bool, a list option repeated
/// (<c>--SiloArgs=a --SiloArgs=b</c>), and <c>--help</c>. An unknown name or a value of the wrong type is an error,
/// never a silently ignored typo.
/// </summary>
internal static class CommandLineOptions
{
    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <exception cref="ArgumentException">An unknown option or a value that does not convert.</exception>
    public static T Parse<T>(IReadOnlyList<string> args)
        where T : class, new()
    {
        var settable = Settable<T>();
        var lists = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var normalized = new List<string>();
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': options are --Name=value. See --help.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var property = settable.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown option --{name}. See --help.");
            if (equals < 0)
            {
                normalized.Add(property.PropertyType == typeof(bool)
                    ? $"--{property.Name}=true"
                    : throw new ArgumentException($"--{property.Name} needs a value: --{property.Name}=..."));
            }
            else if (IsList(property.PropertyType))
            {
                // The configuration binder fills a list from numbered keys: each occurrence is the next item.
                var index = lists[property.Name] = lists.GetValueOrDefault(property.Name, -1) + 1;
                normalized.Add($"--{property.Name}:{index}={arg[(equals + 1)..]}");
            }
            else
            {
                normalized.Add($"--{property.Name}={arg[(equals + 1)..]}");
            }
        }

        try
        {
            return new ConfigurationBuilder().AddCommandLine([.. normalized]).Build()
                .Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"{e.Message}{(e.InnerException is { } inner ? $" {inner.Message}" : "")}", e);
        }
    }

    /// <summary>
    /// A tool's start: prints the help for <c>--help</c> (exit code 0) or the reason an option is bad (exit code 2), and
    /// returns that code; otherwise returns null with the options read.
    /// </summary>
    public static int? Read<T>(IReadOnlyList<string> args, string usage, string about, IEnumerable<string> examples, out T options)
        where T : class, new()
    {
        options = new T();
        if (WantsHelp(args))
        {
            Console.Write(Help<T>(usage, about, examples));
            return 0;
        }

        try
        {
            options = Parse<T>(args);
            return null;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"Bad option: {e.Message}");
            return 2;
        }
    }

    /// <summary>The <c>--help</c> text: usage, what the tool does, every option with its default and description, examples.</summary>
    public static string Help<T>(string usage, string about, IEnumerable<string> examples)
        where T : class, new()
    {
        var defaults = new T();
        var text = new StringBuilder().AppendLine(usage).AppendLine().AppendLine(about).AppendLine().AppendLine("Options (--Name=value):");
        foreach (var property in Settable<T>())
        {
            var shown = property.GetValue(defaults) switch
            {
                null => "",
                bool b => b ? " (default: true)" : "",
                string s => s.Length == 0 ? "" : $" (default: {s})",
                IEnumerable e when e.Cast<object>().ToList() is var items => items.Count == 0 ? " (repeatable)" : $" (default: {string.Join(" ", items)}; repeatable)",
                IFormattable f => string.Create(CultureInfo.InvariantCulture, $" (default: {f})"),
                var value => $" (default: {value})",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"  --{property.Name}{shown}");
            text.AppendLine(CultureInfo.InvariantCulture, $"      {property.GetCustomAttribute<DescriptionAttribute>()?.Description}");
        }

        text.AppendLine().AppendLine("Examples:");
        foreach (var example in examples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {example}");
        }

        return text.ToString();
    }

    private static PropertyInfo[] Settable<T>() => [.. typeof(T).GetProperties().Where(p => p.CanWrite)];

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
}
