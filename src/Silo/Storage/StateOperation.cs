using System.Diagnostics;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// A read or write of one grain's state, waiting for its batch. A write carries the version it read (null: the
/// first write) and completes with the new version; a read completes with the stored row, or null when none.
/// </summary>
internal sealed class StateOperation
{
    private StateOperation(string grainId, string stateName, bool isWrite, long? version, byte[]? payload, bool watch)
    {
        GrainId = grainId;
        StateName = stateName;
        IsWrite = isWrite;
        Version = version;
        Payload = payload;
        Watch = watch;
    }

    public string GrainId { get; }

    public string StateName { get; }

    /// <summary>The row: one per grain and state.</summary>
    public (string GrainId, string StateName) Key => (GrainId, StateName);

    public bool IsWrite { get; }

    public long? Version { get; }

    public byte[]? Payload { get; }

    public bool Watch { get; }

    /// <summary>When the operation was queued (<see cref="Stopwatch"/> ticks): its wait counts in its duration.</summary>
    public long Queued { get; } = Stopwatch.GetTimestamp();

    /// <summary>Not run on the batch's thread: the waiting grain continues on its own scheduler.</summary>
    public TaskCompletionSource<StateRow?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static StateOperation Read(string grainId, string stateName) => new(grainId, stateName, isWrite: false, null, null, false);

    public static StateOperation Write(string grainId, string stateName, long? version, byte[] payload, bool watch) =>
        new(grainId, stateName, isWrite: true, version, payload, watch);
}
