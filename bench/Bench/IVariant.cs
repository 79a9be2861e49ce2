namespace HeaterOrleans.Bench;

/// <summary>A running implementation of the job under measurement (the service, or the Streamiz peer).</summary>
internal interface IVariant : IAsyncDisposable
{
    string Name { get; }

    PhaseTopics Topics { get; }

    /// <summary>Its Kafka consumer group, whose committed lag tells whether it kept up.</summary>
    string GroupId { get; }

    /// <summary>Readings and settings it has processed so far.</summary>
    long Processed { get; }

    /// <summary>Sensor state writes completed so far in this process; null for a variant that keeps no grain state.</summary>
    long? StateWrites { get; }
}
