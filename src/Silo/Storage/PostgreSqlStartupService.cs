using HeaterOrleans.Silo.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace HeaterOrleans.Silo.Storage;

/// <summary>
/// Runs before the silo: waits for PostgreSQL (retrying with backoff and saying so, instead of crash-looping
/// while the database comes up), then applies the schema (<c>Storage:ApplySchema</c>) or checks it is there.
/// </summary>
internal sealed partial class PostgreSqlStartupService(
    NpgsqlDataSource database, IOptions<StorageOptions> options, ILogger<PostgreSqlStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var where = $"{target.Host}:{target.Port}/{target.Database}";
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<TimeoutException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(15),
                OnRetry = args =>
                {
                    LogUnreachable(logger, where, args.Outcome.Exception?.Message, args.RetryDelay);
                    return default;
                },
            })
            .Build();

        await retry.ExecuteAsync(async token =>
        {
            if (options.Value.ApplySchema)
            {
                var applied = await PostgreSqlSchema.ApplyAsync(database, token);
                LogSchema(logger, where, PostgreSqlSchema.LatestVersion, applied.Count == 0 ? "already present" : $"applied {string.Join(", ", applied)}");
                return;
            }

            var version = await PostgreSqlSchema.CurrentVersionAsync(database, token);
            if (version < PostgreSqlSchema.LatestVersion)
            {
                // Not transient: waiting will not create the tables.
                throw new InvalidOperationException(
                    $"PostgreSQL {where} has schema version {version}, this build needs {PostgreSqlSchema.LatestVersion}, and " +
                    "Storage:ApplySchema=false: apply the migration (see README) or let the service do it.");
            }

            LogSchema(logger, where, version, "checked");
        }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL {Where} is unreachable ({Reason}); retrying in {Delay}")]
    private static partial void LogUnreachable(ILogger logger, string where, string? reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL {Where}: schema version {Version} {Outcome}")]
    private static partial void LogSchema(ILogger logger, string where, int version, string outcome);
}
