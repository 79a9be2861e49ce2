using Confluent.Kafka;
using HeaterOrleans.Silo.Ingress;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;

namespace HeaterOrleans.UnitTests;

public class FailureClassifierTests
{
    public static TheoryData<Exception> Transient => new()
    {
        new NpgsqlException("connection refused"),
        new OrleansException("Error from storage provider", new NpgsqlException("connection refused")),
        new KafkaException(Confluent.Kafka.ErrorCode.Local_AllBrokersDown),
        new TimeoutException(),
        // What a grain's storage failure becomes on the calling silo when Orleans cannot serialize it.
        new CodecNotFoundException("Could not find a codec for type Npgsql.NpgsqlException."),
        new InvalidOperationException("unknown: retried rather than dropped"),
    };

    public static TheoryData<Exception> Permanent => new()
    {
        new ArgumentException("bad argument"),
        new FormatException(),
        new NotSupportedException(),
        new OrleansException("wrapped", new ArgumentOutOfRangeException("x")),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void Outages_and_unknowns_are_transient(Exception exception) => Assert.True(FailureClassifier.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Permanent))]
    public void Only_errors_no_retry_can_mend_are_permanent(Exception exception) => Assert.False(FailureClassifier.IsTransient(exception));
}
