using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Kafka;

/// <summary>Checks the <c>Kafka</c> section at start; every message names the key at fault.</summary>
internal sealed partial class KafkaOptionsValidator(IConfiguration configuration) : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.GroupId))
        {
            errors.Add("Kafka:GroupId must not be empty.");
        }

        foreach (var (key, topic) in options.Topics.All)
        {
            if (!TopicName().IsMatch(topic ?? string.Empty))
            {
                errors.Add($"Kafka:Topics:{key} must be 1-249 characters of [a-zA-Z0-9._-] (was '{topic}').");
            }
        }

        var duplicates = options.Topics.All.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            errors.Add($"Kafka:Topics:* must be four different topics ('{string.Join("', '", duplicates)}' is used twice).");
        }

        if (options.Embedded.Partitions is < 1 or > 1000)
        {
            errors.Add($"Kafka:Embedded:Partitions must be between 1 and 1000 (was {options.Embedded.Partitions}).");
        }

        if (options.Embedded.Brokers is < 1 or > 10)
        {
            errors.Add($"Kafka:Embedded:Brokers must be between 1 and 10 (was {options.Embedded.Brokers}).");
        }

        if (options.Embedded.Retention < TimeSpan.Zero)
        {
            errors.Add($"Kafka:Embedded:Retention must not be negative (was {options.Embedded.Retention}).");
        }

        if (options.Embedded.MaxRetainedRecords < 0)
        {
            errors.Add($"Kafka:Embedded:MaxRetainedRecords must not be negative (was {options.Embedded.MaxRetainedRecords}).");
        }

        if (options.Embedded.TrimInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"Kafka:Embedded:TrimInterval must be at least 00:00:00.1 (was {options.Embedded.TrimInterval}).");
        }

        try
        {
            // The pass-through keys must bind to Confluent's config types.
            KafkaClientFactory.BindPassThrough(configuration, new ConsumerConfig());
            KafkaClientFactory.BindPassThrough(configuration, new ProducerConfig());
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{e.Message} {e.InnerException?.Message}".Trim());
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex TopicName();
}
