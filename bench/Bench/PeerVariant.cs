using HeaterOrleans.Bench.Peer;

namespace HeaterOrleans.Bench;

/// <summary>The Streamiz.Kafka.Net peer in this process, on one phase's topics (its group is its application ID).</summary>
internal sealed class PeerVariant : IVariant
{
    private StreamizPeer? _peer;

    private PeerVariant(PhaseTopics topics) => Topics = topics;

    public string Name => BenchOptions.Peer;

    public PhaseTopics Topics { get; }

    public long CommandsSent => Volatile.Read(ref _peer)?.CommandsSent ?? 0;

    /// <summary>Its application ID, which Streamiz uses as its group.</summary>
    public string GroupId => Topics.GroupId;

    /// <summary>0 until <see cref="StartAsync"/> returns (Streamiz's counters exist from then on).</summary>
    public long Processed => Volatile.Read(ref _peer)?.Processed ?? 0;

    /// <summary>Its state is in Streamiz' stores, not grains.</summary>
    public long? StateWrites => null;

    /// <summary>Streamiz's internal topics, to be created on the broker first.</summary>
    public static IReadOnlyList<string> InternalTopics(PhaseTopics topics) => StreamizPeer.InternalTopics(topics.GroupId);

    public static PeerVariant Create(PhaseTopics topics) => new(topics);

    /// <summary>Starts it off the caller's thread (Streamiz's start blocks until the application runs).</summary>
    public async Task StartAsync(string bootstrapServers, int threads)
    {
        var peer = await Task.Run(() => StreamizPeer.Start(bootstrapServers, GroupId, Topics.Readings, Topics.Settings, Topics.Commands, threads));
        Volatile.Write(ref _peer, peer);
    }

    public async ValueTask DisposeAsync()
    {
        if (_peer is { } peer)
        {
            await Task.Run(peer.Dispose);
        }
    }
}
