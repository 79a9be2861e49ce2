namespace HeaterOrleans.Chaos;

/// <summary>One sensor's input, in the order it is produced: the initial setting, readings, maybe a new setting.</summary>
internal sealed class SensorPlan(int id, bool nullKey, Band initial)
{
    public int Id { get; } = id;

    /// <summary>Sent with null keys to an explicit partition, as a heater that does not key its records.</summary>
    public bool NullKey { get; } = nullKey;

    public Band Initial { get; } = initial;

    /// <summary>The setting sent mid-stream, if any.</summary>
    public Band? Changed { get; set; }

    /// <summary>Readings produced before <see cref="Changed"/>; the service may apply it elsewhere (other topic).</summary>
    public int ChangedAfter { get; set; }

    public List<double> Readings { get; } = [];

    public Band Current => Changed ?? Initial;
}
