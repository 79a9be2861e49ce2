using HeaterOrleans.Silo.Kafka;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Http;

/// <summary>Closed by default: outside the embedded setup, HTTP writes need a token unless explicitly opened.</summary>
internal sealed class ApiOptionsValidator(IConfiguration configuration) : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var embedded = string.IsNullOrWhiteSpace(configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]);
        return embedded || !string.IsNullOrWhiteSpace(options.Token) || options.AllowAnonymousWrites
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "Api:Token must be set outside the embedded setup (Kafka:BootstrapServers is set): without it anyone who reaches " +
                "HTTP can change every heater's setting. Set Api:AllowAnonymousWrites=true to run with open writes anyway.");
    }
}
