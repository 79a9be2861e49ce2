using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using HeaterOrleans.Grains;
using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Http;
using HeaterOrleans.Silo.Ingress;
using HeaterOrleans.Silo.Kafka;
using HeaterOrleans.Silo.Simulator;
using Microsoft.AspNetCore.Routing;
using Orleans.Configuration;
using YamlDotNet.RepresentationModel;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Renders every kustomize overlay with <c>kubectl kustomize</c> and checks that the manifests and the code
/// agree: probes hit endpoints the app maps, every setting passed is one the app reads, RBAC covers what
/// Orleans' Kubernetes hosting calls, and autoscaling never goes past the partition count.
/// </summary>
public sealed class DeploymentManifestTests
{
    private const string PartitionsAnnotation = "heater-orleans.io/readings-partitions";

    // Set by the manifests for Orleans' Kubernetes hosting and by OpenTelemetry conventions, not by our options.
    private static readonly HashSet<string> PlatformKeys =
    [
        "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "ConnectionStrings:Orleans", "urls",
    ];

    public static TheoryData<string> Overlays => new() { "dev", "prod", "prod-keda" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Probes_and_ports_are_those_the_app_serves(string overlay)
    {
        var silo = Container(Render(overlay));
        var app = HeaterSiloHost.Build(["--Logging:LogLevel:Default=None"]);
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet();

        var httpPort = Ports(silo)["http"];
        Assert.Equal($"http://0.0.0.0:{httpPort}", ConfigMapValue(Render(overlay), "urls"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var get = Map(Map(silo, probe), "httpGet");
            Assert.Contains(Scalar(get, "path"), routes);
            Assert.Equal("http", Scalar(get, "port"));
        }

        Assert.Equal("/ready", Scalar(Map(Map(silo, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/healthz", Scalar(Map(Map(silo, "livenessProbe"), "httpGet"), "path"));
        Assert.Equal(11111, new SiloHostingOptions().SiloPort);
        Assert.Equal("11111", Ports(silo)["silo"]);
        await app.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_setting_passed_is_one_the_app_reads(string overlay)
    {
        var documents = Render(overlay);
        var keys = Seq(Container(documents), "env").Select(e => Scalar((YamlMappingNode)e, "name"))
            .Concat(Map(Config(documents), "data").Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            .Select(k => k.Replace("__", ":", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(IsRead(key), $"{overlay}: '{key}' is set by the manifests but the app reads no such key"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Writes_are_closed_the_token_comes_from_a_secret(string overlay)
    {
        var documents = Render(overlay);
        var token = Assert.Single(Seq(Container(documents), "env").Cast<YamlMappingNode>(), e => Scalar(e, "name") == "Api__Token");
        // A generated secret (dev) carries kustomize's hash suffix.
        Assert.StartsWith("heater-orleans-api", Scalar(Map(Map(token, "valueFrom"), "secretKeyRef"), "name"), StringComparison.Ordinal);
        Assert.DoesNotContain(Map(Config(documents), "data").Children.Keys, k => Value(k).StartsWith("Api__", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_silo_port_is_open_to_silos_only(string overlay)
    {
        var documents = Render(overlay);
        var policy = Single(documents, "NetworkPolicy");
        var siloLabels = Map(Map(Map(Map(Single(documents, "Deployment"), "spec"), "template"), "metadata"), "labels");
        var selected = Map(Map(Map(policy, "spec"), "podSelector"), "matchLabels");
        Assert.All(selected.Children, l => Assert.Equal(Value(l.Value), Value(siloLabels.Children[l.Key])));

        var rules = Seq(Map(policy, "spec"), "ingress").Cast<YamlMappingNode>().ToList();
        var silo = Assert.Single(rules, r => Seq(r, "ports").Cast<YamlMappingNode>().Any(p => Scalar(p, "port") == "silo"));
        var from = Assert.Single(Seq(silo, "from").Cast<YamlMappingNode>());
        Assert.Equal(["podSelector"], from.Children.Keys.Select(Value));
        Assert.NotEmpty(Map(Map(from, "podSelector"), "matchLabels").Children);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_role_covers_what_kubernetes_hosting_does_and_is_bound_to_the_pods_account(string overlay)
    {
        var documents = Render(overlay);
        var rules = Seq(Single(documents, "Role"), "rules").Cast<YamlMappingNode>();
        var pods = Assert.Single(rules, r => Seq(r, "resources").Select(Value).Contains("pods"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, Seq(pods, "verbs").Select(Value).ToHashSet());

        var account = Scalar(Map(Map(Map(Single(documents, "Deployment"), "spec"), "template"), "spec"), "serviceAccountName");
        var binding = Single(documents, "RoleBinding");
        Assert.Equal(Scalar(Map(Single(documents, "Role"), "metadata"), "name"), Scalar(Map(binding, "roleRef"), "name"));
        Assert.Contains(account, Seq(binding, "subjects").Select(s => Scalar((YamlMappingNode)s, "name")));
        var labels = Map(Map(Map(Map(Single(documents, "Deployment"), "spec"), "template"), "metadata"), "labels");
        Assert.Contains(labels.Children.Keys, k => Value(k) == "orleans/serviceId");
        Assert.Contains(labels.Children.Keys, k => Value(k) == "orleans/clusterId");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Autoscaling_stays_within_the_partitions_and_the_grace_period_covers_the_drain(string overlay)
    {
        var documents = Render(overlay);
        var deployment = Single(documents, "Deployment");
        var partitions = int.Parse(Scalar(Map(Map(deployment, "metadata"), "annotations"), PartitionsAnnotation));
        foreach (var hpa in documents.Where(d => Kind(d) == "HorizontalPodAutoscaler"))
        {
            Assert.InRange(int.Parse(Scalar(Map(hpa, "spec"), "maxReplicas")), 1, partitions);
        }

        foreach (var scaled in documents.Where(d => Kind(d) == "ScaledObject"))
        {
            Assert.InRange(int.Parse(Scalar(Map(scaled, "spec"), "maxReplicaCount")), 1, partitions);
        }

        foreach (var topic in documents.Where(d => Kind(d) == "KafkaTopic" && Scalar(Map(d, "metadata"), "name") == "sensor"))
        {
            Assert.Equal(partitions, int.Parse(Scalar(Map(topic, "spec"), "partitions")));
        }

        Assert.InRange(int.Parse(Scalar(Map(deployment, "spec"), "replicas")), 1, partitions);
        var drain = TimeSpan.Parse(ConfigMapValue(documents, "Ingress__DrainTimeout") ?? new IngressOptions().DrainTimeout.ToString());
        var grace = int.Parse(Scalar(Map(Map(Map(deployment, "spec"), "template"), "spec"), "terminationGracePeriodSeconds"));
        Assert.True(grace > drain.TotalSeconds + 15, $"{overlay}: grace period {grace}s must exceed the drain {drain} plus the silo's stop");
    }

    /// <summary>Keys of our options classes, Orleans' membership options, Kafka pass-through properties, and platform keys.</summary>
    private static bool IsRead(string key)
    {
        if (PlatformKeys.Contains(key) || key.StartsWith("OTEL_", StringComparison.Ordinal))
        {
            return true;
        }

        var known = new List<string>();
        AddKeys(known, KafkaOptions.SectionName, typeof(KafkaOptions));
        AddKeys(known, StorageOptions.SectionName, typeof(StorageOptions));
        AddKeys(known, SiloHostingOptions.SectionName, typeof(SiloHostingOptions));
        AddKeys(known, $"{SiloHostingOptions.SectionName}:Membership", typeof(ClusterMembershipOptions));
        AddKeys(known, IngressOptions.SectionName, typeof(IngressOptions));
        AddKeys(known, SimulatorOptions.SectionName, typeof(SimulatorOptions));
        AddKeys(known, ApiOptions.SectionName, typeof(ApiOptions));
        AddKeys(known, FailsafeOptions.SectionName, typeof(FailsafeOptions));
        if (known.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        // Kafka:<property of Confluent's client config> is passed through to the clients.
        return key.Split(':') is [KafkaOptions.SectionName, var property] &&
               (typeof(ConsumerConfig).GetProperty(property) ?? typeof(ProducerConfig).GetProperty(property)) is not null;
    }

    private static void AddKeys(List<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.PropertyType.IsClass))
        {
            var key = $"{prefix}:{property.Name}";
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (target.IsClass && target != typeof(string) && target.Namespace?.StartsWith("HeaterOrleans", StringComparison.Ordinal) == true)
            {
                AddKeys(keys, key, target);
            }
            else if (property.CanWrite)
            {
                keys.Add(key);
            }
        }
    }

    private static List<YamlMappingNode> Render(string overlay)
    {
        var directory = Repository.PathOf("deploy", "k8s", "overlays", overlay);
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is required to render the manifests (.ci/run installs it: apt-get install kubernetes-client).", e);
        }

        using (process)
        {
            var yaml = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {error}");
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
        }
    }

    private static YamlMappingNode Container(List<YamlMappingNode> documents) =>
        (YamlMappingNode)Seq(Map(Map(Map(Single(documents, "Deployment"), "spec"), "template"), "spec"), "containers")
            .Single(c => Scalar((YamlMappingNode)c, "name") == "silo");

    private static Dictionary<string, string> Ports(YamlMappingNode container) =>
        Seq(container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Scalar(p, "name"), p => Scalar(p, "containerPort"));

    private static string? ConfigMapValue(List<YamlMappingNode> documents, string key) =>
        Map(Config(documents), "data").Children.TryGetValue(new YamlScalarNode(key), out var value) ? Value(value) : null;

    private static YamlMappingNode Single(List<YamlMappingNode> documents, string kind) => Assert.Single(documents, d => Kind(d) == kind);

    // The service's configuration, not the dashboard's ConfigMap; a generated one carries kustomize's hash suffix.
    private static YamlMappingNode Config(List<YamlMappingNode> documents) => Assert.Single(documents,
        d => Kind(d) == "ConfigMap" && Scalar(Map(d, "metadata"), "name").StartsWith("heater-orleans-config", StringComparison.Ordinal));

    private static string Kind(YamlMappingNode document) => Scalar(document, "kind");

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static IEnumerable<YamlNode> Seq(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlSequenceNode)value).Children : [];

    private static string Scalar(YamlMappingNode node, string key) => Value(node.Children[new YamlScalarNode(key)]);

    private static string Value(YamlNode node) => ((YamlScalarNode)node).Value!;
}
