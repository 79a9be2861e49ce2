using Microsoft.Extensions.Options;
using Npgsql;

namespace HeaterOrleans.Silo.Hosting;

internal sealed class HostingOptionsValidator(IConfiguration configuration)
    : IValidateOptions<StorageOptions>, IValidateOptions<SiloHostingOptions>
{
    public const string ConnectionStringKey = "ConnectionStrings:Orleans";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var provider = options.Provider switch
        {
            StorageOptions.Memory => ValidateOptionsResult.Success,
            StorageOptions.PostgreSql => ValidateConnectionString(configuration[ConnectionStringKey]),
            _ => ValidateOptionsResult.Fail($"Storage:Provider must be 'Memory' or 'PostgreSQL' (was '{options.Provider}')."),
        };
        var errors = provider.Failed ? [.. provider.Failures] : new List<string>();
        if (options.Provider == StorageOptions.PostgreSql && string.IsNullOrWhiteSpace(configuration["Kafka:BootstrapServers"]))
        {
            // A pod that forgot its broker must not quietly start an embedded one, whose records die with it.
            errors.Add("Storage:Provider=PostgreSQL needs Kafka:BootstrapServers: the embedded broker is for local runs only (its records live in the process).");
        }

        if (options.MaxConnections < 2)
        {
            errors.Add($"Storage:MaxConnections must be at least 2 (was {options.MaxConnections}).");
        }

        if (options.MaxConcurrentBatches < 1 || options.MaxConcurrentBatches >= options.MaxConnections)
        {
            errors.Add($"Storage:MaxConcurrentBatches must be at least 1 and less than Storage:MaxConnections ({options.MaxConnections}), " +
                       $"leaving a connection for membership (was {options.MaxConcurrentBatches}).");
        }

        if (options.GroupCommitDelay < TimeSpan.Zero || options.GroupCommitDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Storage:GroupCommitDelay must be between 0 and 00:00:01 (was {options.GroupCommitDelay}).");
        }

        if (options.MaxBatch is < 1 or > 10_000)
        {
            errors.Add($"Storage:MaxBatch must be between 1 and 10000 (was {options.MaxBatch}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, SiloHostingOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add("Orleans:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add("Orleans:ServiceId must not be empty.");
        }

        if (options.SiloPort is < 0 or > 65535)
        {
            errors.Add($"Orleans:SiloPort must be a TCP port (was {options.SiloPort}).");
        }

        if (options.GatewayPort is < 0 or > 65535)
        {
            errors.Add($"Orleans:GatewayPort must be a TCP port or 0 (was {options.GatewayPort}).");
        }

        if (options.AdvertisedIPAddress is { } ip && !System.Net.IPAddress.TryParse(ip, out _))
        {
            errors.Add($"Orleans:AdvertisedIPAddress must be an IP address (was '{ip}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static ValidateOptionsResult ValidateConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return ValidateOptionsResult.Fail($"{ConnectionStringKey} must be set when Storage:Provider=PostgreSQL.");
        }

        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(parsed.Host)
                ? ValidateOptionsResult.Fail($"{ConnectionStringKey} must name a Host.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{ConnectionStringKey} is not a valid Npgsql connection string: {e.Message}");
        }
    }
}
