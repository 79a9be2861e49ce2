using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Google.Protobuf;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.IntegrationTests;

/// <summary>Traces, metrics and the HTTP API of the running service, on a real loopback port.</summary>
public sealed class ObservabilityTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task A_reading_s_trace_continues_through_the_grain_to_the_command()
    {
        const int sensor = 301;
        await SetAsync(sensor, desired: 20);
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes($"00-{trace}-{caller}-01") } };
        await service.Kafka.SendAsync(TestBroker.Readings, sensor, new SensorData { SensorID = sensor, Temperature = 25 }, headers);

        var command = await Eventually.Get(
            () => service.Kafka.ReadAll(TestBroker.Commands).FirstOrDefault(r => HeaterControl.Parser.ParseFrom(r.Message.Value).SensorID == sensor),
            r => r is not null, TimeSpan.FromSeconds(30), "the command");
        Assert.True(command!.Message.Headers.TryGetLastBytes("traceparent", out var traceparent));
        Assert.Equal(trace, ActivityContext.Parse(Encoding.ASCII.GetString(traceparent), null).TraceId);

        var spans = await Eventually.Get(() => service.SpansOf(trace), s => s.Any(a => a.Kind == ActivityKind.Producer),
            TimeSpan.FromSeconds(30), "the spans of the trace");
        var consume = Assert.Single(spans, s => s.DisplayName == "process sensor");
        Assert.Equal(caller, consume.ParentSpanId);
        Assert.Equal(sensor, consume.GetTagItem("heater.sensor_id"));
        Assert.Equal(TestBroker.Readings, consume.GetTagItem("messaging.destination.name"));
        Assert.NotNull(consume.GetTagItem("messaging.kafka.message.offset"));
        var grain = Assert.Single(spans, s => s.GetTagItem("heater.command_emitted") is true);
        Assert.Equal("Off", grain.GetTagItem("heater.action"));
        var publish = Assert.Single(spans, s => s.DisplayName == "publish heatercontrol");
        Assert.Equal(grain.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, ActivityContext.Parse(Encoding.ASCII.GetString(traceparent), null).SpanId);
    }

    [Fact]
    public async Task Metrics_move_as_records_flow_and_are_served_at_metrics()
    {
        const int sensor = 302;
        var before = Value(await ScrapeAsync(), "heater_readings_total");
        await SetAsync(sensor, desired: 20);
        foreach (var t in new[] { 10.0, 30.0, 10.0 })
        {
            await service.Kafka.SendAsync(TestBroker.Readings, sensor, new SensorData { SensorID = sensor, Temperature = t });
        }

        await service.Kafka.ProduceAsync(TestBroker.Readings, null, Encoding.UTF8.GetBytes("garbage for the metrics test"));
        // Wait for this test's own outcomes: other silos in this test process feed the same meters.
        await Eventually.True(
            () => service.Kafka.ReadAll(TestBroker.Commands).Count(r => HeaterControl.Parser.ParseFrom(r.Message.Value).SensorID == sensor) == 3 &&
                  service.Kafka.ReadAll(TestBroker.DeadLetter).Any(r => Encoding.UTF8.GetString(r.Message.Value ?? []) == "garbage for the metrics test"),
            TimeSpan.FromSeconds(30), "the commands and the dead letter of this test");
        // Counters move when the grain call returns, just after the command is out; scrapes are cached briefly. The lag
        // gauge is per process and re-measured every second: a silo of another test that stops in this process drops
        // the partitions it measured (same topic names), until this silo measures them again.
        var scrape = await Eventually.Get(() => ScrapeAsync().GetAwaiter().GetResult(),
            s => Value(s, "heater_readings_total") >= before + 3 && Value(s, "heater_command_latency_milliseconds_count") >= 3 &&
                 s.Contains("heater_ingress_lag{", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the counters to move and the lag to be measured");

        Assert.True(Value(scrape, "heater_commands_total", "action=\"On\"") >= 2);
        Assert.True(Value(scrape, "heater_commands_total", "action=\"Off\"") >= 1);
        Assert.True(Value(scrape, "heater_deadlettered_total", "reason=\"invalid\"") >= 1);
        Assert.True(Value(scrape, "heater_command_latency_milliseconds_count") >= 3);
        Assert.True(Value(scrape, "heater_sensors_active") >= 1);
        Assert.Contains("heater_ingress_lag{", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_tells_what_a_sensor_knows_and_404s_an_unknown_one()
    {
        const int sensor = 303;
        await SetAsync(sensor, desired: 21.5);

        var known = await service.Http.GetFromJsonAsync<JsonElement>($"/sensors/{sensor}");
        Assert.Equal(sensor, known.GetProperty("sensorId").GetInt32());
        Assert.Equal(21.5, known.GetProperty("setting").GetProperty("desired").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await service.Http.GetAsync("/sensors/909090")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await service.Http.GetAsync("/sensors/0")).StatusCode);
    }

    [Fact]
    public async Task Put_publishes_the_setting_through_kafka_to_the_grain()
    {
        const int sensor = 304;
        using var put = service.Authorized(HttpMethod.Put, $"/sensors/{sensor}/setting");
        put.Content = new StringContent("""{"desired":22.5,"upDelta":0.5,"downDelta":0.25}""", Encoding.UTF8, "application/json");
        var response = await service.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(TestBroker.Settings, delivered.GetProperty("topic").GetString());
        await Eventually.True(
            () => service.Grains.GetGrain<ISensorGrain>(sensor).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting == new SensorSetting(22.5, 0.5, 0.25),
            TimeSpan.FromSeconds(30), "the setting to reach the grain through the settings topic");
    }

    [Theory]
    [InlineData("", "JSON object")]
    [InlineData("desired=21", "JSON object")]
    [InlineData("""{"desired":21.5,"upDelta":0.5""", "not a valid JSON")]
    [InlineData("""{"desired":"NaN","upDelta":0.5,"downDelta":0.5}""", "desired must be finite")]
    [InlineData("""{"desired":21.5,"upDelta":-1,"downDelta":0.5}""", "upDelta must be within 0…10")]
    [InlineData("""{"desired":210,"upDelta":0.5,"downDelta":0.5}""", "desired must be within -30…60 (was 210)")]
    [InlineData("""{"desired":21.5}""", "lacks upDelta, downDelta")]
    [InlineData("""{"desired":21.5,"temperature":3}""", "not a valid JSON")]
    [InlineData("""{"sensorID":99,"desired":21.5,"upDelta":0.5,"downDelta":0.5}""", "differs from sensor 305")]
    public async Task Put_rejects_an_invalid_setting_with_a_clear_message(string body, string message)
    {
        using var put = service.Authorized(HttpMethod.Put, "/sensors/305/setting");
        put.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await service.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // chunked: no Content-Length to refuse it by
    public async Task Put_refuses_a_body_over_4_KB(bool withLength)
    {
        var body = $$"""{"desired":21.5,"upDelta":0.5,"downDelta":0.5,"x":"{{new string('x', 5000)}}"}""";
        using var put = service.Authorized(HttpMethod.Put, "/sensors/305/setting");
        put.Content = withLength
            ? new StringContent(body, Encoding.UTF8, "application/json")
            : new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body)));
        var response = await service.Http.SendAsync(put);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 4096 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-token", HttpStatusCode.Forbidden)]
    public async Task Writes_require_the_token(string? token, HttpStatusCode expected)
    {
        using var put = service.Authorized(HttpMethod.Put, "/sensors/306/setting", token);
        put.Content = new StringContent("""{"desired":21}""", Encoding.UTF8, "application/json");
        Assert.Equal(expected, (await service.Http.SendAsync(put)).StatusCode);
    }

    [Fact]
    public async Task Ready_follows_the_broker_and_liveness_does_not()
    {
        await Eventually.True(() => Status("/ready") == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready");
        service.Kafka.Broker.SetDown();
        try
        {
            await Eventually.True(() => Status("/ready") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "not ready while the broker is down");
            Assert.Equal(HttpStatusCode.OK, Status("/healthz"));
        }
        finally
        {
            service.Kafka.Broker.SetUp();
        }

        await Eventually.True(() => Status("/ready") == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready again once the broker is back");
        // Ready says the consumer still holds its assignment, not that it fetches again: the other tests share this
        // service, so leave it only once a setting has gone through (its reconnection took over 30 s on a loaded machine).
        await SetAsync(307, desired: 20);
    }

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alert_rules_name_is_one_the_service_exports()
    {
        // A command, so that the latency histogram has a sample; every counter is exported from the start.
        const int sensor = 306;
        await SetAsync(sensor, desired: 20);
        await service.Kafka.SendAsync(TestBroker.Readings, sensor, new SensorData { SensorID = sensor, Temperature = 10 });
        var named = ObservabilityFiles.DashboardExpressions().Concat(ObservabilityFiles.RuleExpressions())
            .SelectMany(ObservabilityFiles.MetricNames).ToHashSet();
        Assert.True(named.Count >= 10, $"the dashboard and the rules should name the service's metrics: {string.Join(", ", named)}");
        // Scraped until all are there or time runs out: a gauge such as the lag per partition has no series for a
        // moment while the ingress's partitions are being (re)assigned.
        var (exported, _) = await Eventually.Until(() => ExportedNames(ScrapeAsync().GetAwaiter().GetResult()),
            n => n.Contains("heater_command_latency_milliseconds_bucket") && named.All(m => m == "up" || n.Contains(m)),
            TimeSpan.FromSeconds(60));
        // "up" is Prometheus' own, per scrape target.
        Assert.All(named.Where(n => n != "up"), name => Assert.True(exported.Contains(name),
            $"the dashboard or the alert rules read {name}, which the service does not export"));
    }

    private static HashSet<string> ExportedNames(string scrape) =>
        [.. scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])])];

    private HttpStatusCode Status(string path) => service.Http.GetAsync(path).GetAwaiter().GetResult().StatusCode;

    private async Task SetAsync(int sensor, double desired)
    {
        await service.Kafka.SendAsync(TestBroker.Settings, sensor, new TemperatureControl { SensorID = sensor, Desired = desired, UpDelta = 0.5, DownDelta = 0.5 });
        await Eventually.True(
            () => service.Grains.GetGrain<ISensorGrain>(sensor).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting?.Desired == desired,
            TimeSpan.FromSeconds(60), $"sensor {sensor}'s setting");
    }

    private Task<string> ScrapeAsync() => service.Http.GetStringAsync("/metrics");

    /// <summary>The sum of a Prometheus series' samples whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string scrape, string series, string label = "") =>
        Regex.Matches(scrape, $@"^{Regex.Escape(series)}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline)
            .Where(m => m.Groups[1].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
}
