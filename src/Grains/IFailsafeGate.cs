namespace HeaterOrleans.Grains;

/// <summary>
/// Whether a sensor's silence means anything right now: readings can only be missed while they can reach the
/// grains. The host's ingress says so (broker reachable, consumer assigned, not stalled, no backlog); while it
/// cannot, the failsafe judges nothing, and afterwards it counts silence only from the moment listening resumed.
/// </summary>
public interface IFailsafeGate
{
    bool IsListening { get; }
}
