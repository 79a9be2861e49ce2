using System.Text.Json;
using Confluent.Kafka;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Whether the ingress consumer really fetches its readings partitions, judged from librdkafka's statistics: each
/// assigned partition in fetch state "active", on a leader that is connected and has answered within
/// <see cref="QuietLimit"/>. A broker that answers someone (an admin client's metadata request) is not enough: after
/// an outage the consumer may still be waiting out its reconnect backoff, rejoining its group or looking up offsets,
/// and until it fetches, no reading reaches a grain.
/// </summary>
internal sealed class ConsumerFetching(string readingsTopic)
{
    /// <summary>How often the consumer emits statistics (librdkafka's <c>statistics.interval.ms</c>).</summary>
    public const int StatisticsIntervalMs = 1000;

    /// <summary>A leader silent for longer than this (no response on the connection) is not being fetched from.</summary>
    public static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(3);

    // Statistics come from the consume loop's polls: none for this long means the loop is not polling (a rebalance
    // callback draining, or the loop stopped), and nothing is fetched for the grains either.
    private static readonly long StaleAfterMs = 3 * StatisticsIntervalMs;

    private volatile Verdict? _last;

    /// <summary>Judges one statistics report; called on the consume loop's thread, which owns <paramref name="assigned"/>.</summary>
    public void OnStatistics(string json, IEnumerable<TopicPartition> assigned) =>
        _last = new(Judge(json, readingsTopic, assigned), Environment.TickCount64);

    /// <summary>Why the consumer is not fetching its readings partitions now, or null when it is.</summary>
    public string? WhyNot()
    {
        var last = _last;
        if (last is null)
        {
            return "no consumer statistics yet";
        }

        return Environment.TickCount64 - last.AtMs > StaleAfterMs ? "consumer not polling" : last.WhyNot;
    }

    /// <summary>Why the statistics in <paramref name="json"/> show the readings partitions not being fetched, or null.</summary>
    internal static string? Judge(string json, string readingsTopic, IEnumerable<TopicPartition> assigned)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var brokers = new Dictionary<long, (string State, long RxIdleMicros)>();
        if (root.TryGetProperty("brokers", out var brokerList))
        {
            foreach (var broker in brokerList.EnumerateObject())
            {
                var id = broker.Value.GetProperty("nodeid").GetInt64();
                if (id >= 0)
                {
                    brokers[id] = (broker.Value.GetProperty("state").GetString() ?? "", broker.Value.GetProperty("rxidle").GetInt64());
                }
            }
        }

        JsonElement partitions = default;
        var hasTopic = root.TryGetProperty("topics", out var topics)
            && topics.TryGetProperty(readingsTopic, out var topic)
            && topic.TryGetProperty("partitions", out partitions);
        foreach (var assignedPartition in assigned)
        {
            if (assignedPartition.Topic != readingsTopic)
            {
                continue;
            }

            var name = $"{readingsTopic}[{assignedPartition.Partition.Value}]";
            if (!hasTopic || !partitions.TryGetProperty(assignedPartition.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), out var partition))
            {
                return $"{name} not in the consumer's statistics yet";
            }

            var fetchState = partition.GetProperty("fetch_state").GetString();
            if (fetchState != "active")
            {
                return $"{name} fetch state {fetchState}";
            }

            var leader = partition.GetProperty("leader").GetInt64();
            if (!brokers.TryGetValue(leader, out var state))
            {
                return $"{name}: no leader broker known";
            }

            if (state.State != "UP")
            {
                return $"{name}: broker {leader} {state.State}";
            }

            // -1: nothing received on this connection yet.
            if (state.RxIdleMicros < 0 || TimeSpan.FromMicroseconds(state.RxIdleMicros) > QuietLimit)
            {
                return $"{name}: broker {leader} has not answered for {(state.RxIdleMicros < 0 ? "its whole connection" : $"{state.RxIdleMicros / 1_000_000.0:F1} s")}";
            }
        }

        return null;
    }

    private sealed record Verdict(string? WhyNot, long AtMs);
}
