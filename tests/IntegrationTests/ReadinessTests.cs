using System.Net;

namespace HeaterOrleans.IntegrationTests;

/// <summary>Readiness knows the topics: a silo whose dead-letter topic does not exist is not ready, and says why.</summary>
public sealed class ReadinessTests : IDisposable
{
    private readonly TestBroker _kafka = new(partitions: 1);

    [Fact]
    public async Task A_missing_topic_makes_the_silo_not_ready_and_names_it()
    {
        await using var silo = await SiloProcess.StartAsync(
            [.. SiloProcess.OnBroker(_kafka), "--Simulator:Enabled=false", "--Kafka:Topics:DeadLetter=no-such-deadletter"]);
        using var http = new HttpClient { BaseAddress = new Uri(silo.Urls.First()) };

        var (body, ok) = await Eventually.Until(
            () => http.GetAsync("/ready").GetAwaiter().GetResult() is var r && r.StatusCode == HttpStatusCode.ServiceUnavailable
                ? r.Content.ReadAsStringAsync().GetAwaiter().GetResult()
                : "",
            b => b.Contains("no-such-deadletter", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));

        Assert.True(ok, $"/ready should be 503 naming the missing topic; last body: {body}");
        Assert.Contains("missing", body, StringComparison.Ordinal);
        await silo.StopAsync();
    }

    public void Dispose() => _kafka.Dispose();
}
