using HeaterOrleans.Grains;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Hosting;

internal sealed class FailsafeOptionsValidator : IValidateOptions<FailsafeOptions>
{
    public ValidateOptionsResult Validate(string? name, FailsafeOptions options)
    {
        var errors = new List<string>();
        if (options.StaleAfter < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Failsafe:StaleAfter must be at least 1 s, longer than the sensors' reading interval (was {options.StaleAfter}).");
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"Failsafe:RetryDelay must be at least 100 ms (was {options.RetryDelay}).");
        }

        if (options.MaxLag < 0)
        {
            errors.Add($"Failsafe:MaxLag must not be negative (was {options.MaxLag}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
