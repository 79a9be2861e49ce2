using Confluent.Kafka;

namespace HeaterOrleans.Silo.Kafka;

/// <summary>Routes librdkafka's own log lines (otherwise written raw to stderr) into the host's logging.</summary>
public static partial class KafkaLogging
{
    public static Action<IClient, LogMessage> To(ILogger logger) =>
        (_, message) => LogClient(logger, Level(message.Level), message.Name, message.Facility, message.Message);

    public static Action<IClient, Error> ErrorsTo(ILogger logger) =>
        (client, error) => LogClientError(logger, client.Name, error.Code, error.Reason);

    // librdkafka reports every lost connection at Info/Error level, including the routine ones at shutdown
    // or while a broker restarts; clients reconnect by themselves, so those are warnings at most.
    private static LogLevel Level(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice => LogLevel.Information,
        SyslogLevel.Info => LogLevel.Debug,
        _ => LogLevel.Trace,
    };

    [LoggerMessage(Message = "{Client} {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, LogLevel level, string client, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Client} error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string client, Confluent.Kafka.ErrorCode code, string reason);
}
