using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace HeaterOrleans.IntegrationTests;

/// <summary>The Grafana dashboard and the Prometheus alert rules in <c>deploy/observability</c>, as tests read them.</summary>
public static partial class ObservabilityFiles
{
    public static string DashboardPath => Repository.PathOf("deploy", "observability", "heater-dashboard.json");

    public static string RulesPath => Repository.PathOf("deploy", "observability", "prometheusrule.yaml");

    /// <summary>Every PromQL expression of the dashboard's panels.</summary>
    public static List<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    /// <summary>The PrometheusRule's <c>spec.groups</c>, the part <c>promtool check rules</c> reads.</summary>
    public static YamlNode RuleGroups()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RulesPath)));
        var spec = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("spec")];
        return spec.Children[new YamlScalarNode("groups")];
    }

    /// <summary>Every rule's expression.</summary>
    public static List<string> RuleExpressions() =>
        [.. ((YamlSequenceNode)RuleGroups()).Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>())
            .Select(r => ((YamlScalarNode)r.Children[new YamlScalarNode("expr")]).Value!)];

    /// <summary>
    /// The metric names an expression reads: ours and Orleans' by their prefix, and any other name used as a selector
    /// (followed by label matchers or a range).
    /// </summary>
    public static IEnumerable<string> MetricNames(string expression) =>
        OurNames().Matches(expression).Concat(Selectors().Matches(expression)).Select(m => m.Value).Distinct();

    [GeneratedRegex(@"\b(heater|orleans|dotnet)_[a-z0-9_]+")]
    private static partial Regex OurNames();

    [GeneratedRegex(@"\b[a-zA-Z_:][a-zA-Z0-9_:]*(?=\{|\[)")]
    private static partial Regex Selectors();
}
