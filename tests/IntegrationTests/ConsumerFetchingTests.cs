using Confluent.Kafka;
using HeaterOrleans.Silo.Ingress;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// The failsafe's view of the consumer, judged from librdkafka's real statistics on the embedded broker: fetching,
/// then not while the broker is down, and again once it is back.
/// </summary>
public sealed class ConsumerFetchingTests : IDisposable
{
    private readonly TestBroker _kafka = new(partitions: 2);

    [Fact]
    public async Task A_consumer_counts_as_fetching_only_while_it_gets_answers_from_the_leaders_of_its_partitions()
    {
        string? verdict = "none yet";
        var assigned = new List<TopicPartition> { new(TestBroker.Readings, 0), new(TestBroker.Readings, 1), new(TestBroker.Settings, 0) };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = _kafka.BootstrapServers,
                GroupId = "fetching",
                StatisticsIntervalMs = 100,
                FetchWaitMaxMs = 5,
                ReconnectBackoffMaxMs = 1000,
            })
            .SetStatisticsHandler((_, json) => verdict = ConsumerFetching.Judge(json, TestBroker.Readings, assigned))
            .Build();
        consumer.Assign(assigned.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        string? Poll()
        {
            consumer.Consume(TimeSpan.FromMilliseconds(50));
            return verdict;
        }

        await Eventually.Get(Poll, v => v is null, TimeSpan.FromSeconds(30), "the consumer fetching");

        _kafka.Broker.SetDown();
        var down = await Eventually.Get(Poll, v => v is not null, TimeSpan.FromSeconds(30), "the outage seen");
        Assert.Contains("broker", down);

        _kafka.Broker.SetUp();
        await Eventually.Get(Poll, v => v is null, TimeSpan.FromSeconds(60), "the consumer fetching again");

        // An assigned partition the statistics do not show is not being fetched.
        assigned.Add(new(TestBroker.Readings, 7));
        Assert.Contains("[7]", await Eventually.Get(Poll, v => v is not null, TimeSpan.FromSeconds(30), "the unknown partition seen"));
        consumer.Close();
    }

    public void Dispose() => _kafka.Dispose();
}
