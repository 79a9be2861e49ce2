using HeaterOrleans.Silo.Hosting;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.IntegrationTests;

/// <summary>A bad setting stops the service at start with a message that names the key.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("--Kafka:Embedded:Partitions=0", "Kafka:Embedded:Partitions")]
    [InlineData("--Kafka:GroupId= ", "Kafka:GroupId")]
    [InlineData("--Kafka:Topics:Commands=heater control", "Kafka:Topics:Commands")]
    [InlineData("--Kafka:Topics:DeadLetter=sensor", "Kafka:Topics:*")]
    [InlineData("--Kafka:SecurityProtocol=Carrier", "Kafka:SecurityProtocol")]
    [InlineData("--Kafka:LingerMsec=5", "Kafka:LingerMsec")]
    [InlineData("--Storage:Provider=Cassandra", "Storage:Provider")]
    [InlineData("--Simulator:Heaters=0", "Simulator:Heaters")]
    [InlineData("--Ingress:MaxInFlight=0", "Ingress:MaxInFlight")]
    [InlineData("--Orleans:SiloPort=70000", "Orleans:SiloPort")]
    [InlineData("--Failsafe:StaleAfter=00:00:00.5", "Failsafe:StaleAfter")]
    [InlineData("--Placement:ReportInterval=00:00:00", "Placement:ReportInterval")]
    [InlineData("--Orleans:Tls:CertificatePath=/nonexistent/silo.pem", "Orleans:Tls:CertificatePath")]
    public async Task Names_the_bad_key(string argument, string key)
    {
        WebApplication? app = null;
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            app = HeaterSiloHost.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", argument]);
            await app.StartAsync();
        });
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("--Kafka:BootstrapServers=127.0.0.1:9", "--Api:Dashboard=false", "Api:Token")]
    [InlineData("--Storage:Provider=PostgreSQL", "--ConnectionStrings:Orleans=Host=127.0.0.1;Username=x;Database=x", "Kafka:BootstrapServers")]
    public async Task Closed_by_default_outside_the_embedded_setup(string first, string second, string key)
    {
        WebApplication? app = null;
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            app = HeaterSiloHost.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", first, second]);
            await app.StartAsync();
        });
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pass_through_keys_reach_the_kafka_clients()
    {
        using var kafka = new TestBroker(partitions: 1);
        await using var silo = await SiloProcess.StartAsync(
            [.. SiloProcess.OnBroker(kafka), "--Simulator:Enabled=false", "--Kafka:ClientId=heater-test", "--Kafka:SecurityProtocol=Plaintext"]);
        var factory = silo.Services.GetRequiredService<HeaterOrleans.Silo.Kafka.KafkaClientFactory>();

        var consumer = factory.CreateConsumerConfig("g");
        var producer = factory.CreateProducerConfig();
        Assert.Equal("heater-test", consumer.ClientId);
        Assert.Equal(Confluent.Kafka.SecurityProtocol.Plaintext, producer.SecurityProtocol);
        Assert.Equal(5, consumer.FetchWaitMaxMs);   // consumer-only key, not applied to the producer
        Assert.True(producer.EnableIdempotence);
        await silo.StopAsync();
    }
}
