using System.Net.Sockets;
using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace HeaterOrleans.Silo.Ingress;

/// <summary>
/// Decides whether a failed record may succeed later. Only failures that a retry cannot mend (bad
/// arguments, unsupported data, a bug) are permanent; anything else, and anything unknown, is treated as
/// transient and retried for as long as it takes, because skipping a record must never be the price of
/// an outage. Serialization errors are not permanent: an exception Orleans could not carry back from
/// another silo arrives as one, whatever the failure was.
/// </summary>
internal static class FailureClassifier
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is KafkaException or NpgsqlException or TimeoutException or SocketException or IOException
                or InconsistentStateException or SiloUnavailableException or OrleansMessageRejectionException)
            {
                return true;
            }
        }

        return exception.GetBaseException() is not (ArgumentException or FormatException or InvalidCastException
            or NotSupportedException or NotImplementedException or NullReferenceException or OverflowException);
    }

    /// <summary>
    /// Whether the broker (or the client, before sending) refused a produced record for what it is, or for where it
    /// goes, rather than for the state of the cluster: sending the same record again gets the same answer.
    /// </summary>
    public static bool IsRefusedRecord(KafkaException exception) =>
        IsTooLarge(exception) || exception.Error.Code is ErrorCode.InvalidRecord or ErrorCode.InvalidMsg
            or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.Local_InvalidArg;

    /// <summary>Whether a produced record was refused for its size.</summary>
    public static bool IsTooLarge(KafkaException exception) =>
        exception.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize or ErrorCode.RecordListTooLarge;
}
