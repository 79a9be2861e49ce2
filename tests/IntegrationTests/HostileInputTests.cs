using System.Globalization;
using System.Text;
using Confluent.Kafka;
using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using HeaterOrleans.Contracts.Messages;
using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Records built to break the dead-letter path: too large to be dead-lettered whole, a reason echoing half a
/// megabyte of input, forged dead-letter headers. Each reaches the dead-letter topic in a form that fits, and
/// the partition goes on: a good record behind them is still processed and the group commits to the end.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    // With our headers added it exceeds the producers' default message.max.bytes (1,000,000); alone it does not.
    private const int NearlyOneMegabyte = 999_800;

    private readonly TestBroker _kafka = new(partitions: 1);

    [Fact]
    public async Task Input_that_cannot_be_dead_lettered_as_it_is_goes_as_a_stub_and_nothing_wedges()
    {
        var huge = Enumerable.Repeat((byte)0xFF, NearlyOneMegabyte).ToArray();
        var tooLarge = await _kafka.ProduceAsync(TestBroker.Readings, Encoding.UTF8.GetBytes("huge"), huge,
            new Headers { { "origin", Encoding.UTF8.GetBytes("test") } });
        var echoing = await _kafka.ProduceAsync(TestBroker.Readings, null, Encoding.UTF8.GetBytes($$"""{"{{new string('x', 500_000)}}":1}"""));
        var forged = await _kafka.ProduceAsync(TestBroker.Readings, null, Encoding.UTF8.GetBytes("hello"), new Headers
        {
            { DeadLetterPublisher.ReasonHeader, Encoding.UTF8.GetBytes("forged") },
            { DeadLetterPublisher.SourceOffsetHeader, Encoding.UTF8.GetBytes("12345") },
        });
        await _kafka.SendAsync(TestBroker.Settings, 41, new TemperatureControl { SensorID = 41, Desired = 20, UpDelta = 0.5, DownDelta = 0.5 });

        await using var silo = await SiloProcess.StartAsync([.. SiloProcess.OnBroker(_kafka), "--Simulator:Enabled=false"]);
        // A good reading behind the hostile ones, once its setting is there (Kafka does not order the two topics).
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        await Eventually.True(() => grains.GetGrain<ISensorGrain>(41).GetSnapshotAsync().GetAwaiter().GetResult()?.Setting is not null,
            TimeSpan.FromSeconds(60), "the setting to reach its grain");
        await _kafka.SendAsync(TestBroker.Readings, 41, new SensorData { SensorID = 41, Temperature = 25 });
        await Eventually.True(
            () => _kafka.GroupCaughtUp("heater-controller", TestBroker.Readings, TestBroker.Settings),
            TimeSpan.FromSeconds(60), "the ingress group to commit past every hostile record");
        await Eventually.True(() => _kafka.ReadAll(TestBroker.Commands).Count == 1, TimeSpan.FromSeconds(30), "the good reading behind them to switch its heater");

        var letters = _kafka.ReadAll(TestBroker.DeadLetter);
        Assert.Equal(3, letters.Count);

        var stub = Letter(letters, tooLarge);
        Assert.Null(stub.Message.Value);
        Assert.Equal(DeadLetterPublisher.TooLarge, TestBroker.Header(stub, DeadLetterPublisher.ReasonHeader));
        Assert.Contains("not a valid protobuf", TestBroker.Header(stub, DeadLetterPublisher.CauseHeader), StringComparison.Ordinal);
        Assert.Equal(NearlyOneMegabyte.ToString(CultureInfo.InvariantCulture), TestBroker.Header(stub, DeadLetterPublisher.SourceValueSizeHeader));
        Assert.Equal("huge", Encoding.UTF8.GetString(stub.Message.Key!));
        Assert.Equal("test", TestBroker.Header(stub, "origin"));

        var echoed = Letter(letters, echoing);
        Assert.Equal(echoing.Message.Value, echoed.Message.Value);
        Assert.InRange(TestBroker.Header(echoed, DeadLetterPublisher.ReasonHeader)!.Length, 10, ReasonText.MaxLength);

        var unforged = Letter(letters, forged);
        Assert.Single(unforged.Message.Headers, h => h.Key == DeadLetterPublisher.ReasonHeader);
        Assert.Single(unforged.Message.Headers, h => h.Key == DeadLetterPublisher.SourceOffsetHeader);
        Assert.Contains("not a valid protobuf", TestBroker.Header(unforged, DeadLetterPublisher.ReasonHeader), StringComparison.Ordinal);
        await silo.StopAsync();
    }

    public void Dispose() => _kafka.Dispose();

    private static ConsumeResult<byte[]?, byte[]?> Letter(List<ConsumeResult<byte[]?, byte[]?>> letters, DeliveryResult<byte[]?, byte[]?> sent) =>
        Assert.Single(letters, d => TestBroker.Header(d, DeadLetterPublisher.SourceOffsetHeader) == sent.Offset.Value.ToString(CultureInfo.InvariantCulture));
}
