using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Ingress;

internal sealed class IngressOptionsValidator : IValidateOptions<IngressOptions>
{
    public ValidateOptionsResult Validate(string? name, IngressOptions options)
    {
        var errors = new List<string>();
        if (options.MaxBatch is < 1 or > 10_000)
        {
            errors.Add($"Ingress:MaxBatch must be between 1 and 10000 (was {options.MaxBatch}).");
        }

        if (options.MaxInFlight is < 1 or > 1_000_000)
        {
            errors.Add($"Ingress:MaxInFlight must be between 1 and 1000000 (was {options.MaxInFlight}).");
        }

        if (options.MaxInFlightBytes < 1)
        {
            errors.Add($"Ingress:MaxInFlightBytes must be at least 1 (was {options.MaxInFlightBytes}).");
        }

        if (options.DrainTimeout < TimeSpan.Zero)
        {
            errors.Add($"Ingress:DrainTimeout must not be negative (was {options.DrainTimeout}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            errors.Add($"Ingress:RetryDelay must be > 0 and Ingress:MaxRetryDelay >= it (were {options.RetryDelay}, {options.MaxRetryDelay}).");
        }

        if (options.MaxPermanentFailureAttempts is < 1 or > 1000)
        {
            errors.Add($"Ingress:MaxPermanentFailureAttempts must be between 1 and 1000 (was {options.MaxPermanentFailureAttempts}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
