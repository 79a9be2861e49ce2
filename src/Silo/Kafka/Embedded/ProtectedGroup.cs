namespace HeaterOrleans.Silo.Kafka.Embedded;

/// <summary>
/// A consumer group whose uncommitted records the log trimmer keeps. <paramref name="Topics"/> names what it
/// reads; <c>null</c> means "the topics it has committed on", and everything until its first commit.
/// </summary>
public sealed record ProtectedGroup(string GroupId, IReadOnlyCollection<string>? Topics = null);
