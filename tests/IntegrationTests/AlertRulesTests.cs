using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace HeaterOrleans.IntegrationTests;

/// <summary>The alert rules operators load (<c>deploy/observability/prometheusrule.yaml</c>) pass Prometheus' own checker.</summary>
public sealed class AlertRulesTests
{
    [Fact]
    public async Task The_alert_rules_pass_promtool()
    {
        var file = Path.Combine(Path.GetTempPath(), $"heater-rules-{Guid.NewGuid():N}.yaml");
        var rules = new YamlStream(new YamlDocument(new YamlMappingNode(new YamlScalarNode("groups"), ObservabilityFiles.RuleGroups())));
        await using (var writer = File.CreateText(file))
        {
            rules.Save(writer, assignAnchors: false);
        }

        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("promtool", ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("promtool is required to check the alert rules (.ci/run installs it: apt-get install prometheus).", e);
        }

        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            File.Delete(file);
            Assert.True(process.ExitCode == 0, $"promtool check rules failed:\n{output}");
            Assert.Contains("SUCCESS: 7 rules found", output, StringComparison.Ordinal);
        }
    }
}
