using Confluent.Kafka;
using HeaterOrleans.Contracts;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// A decoded record waiting in its sensor's lane: the update for the grain, the record it came from, and its
/// partition's <see cref="PartitionOffsets.Abandoned"/> token.
/// </summary>
internal sealed record PendingRecord(ConsumeResult<byte[]?, byte[]?> Record, SensorUpdate Update, CancellationToken Abandoned);
