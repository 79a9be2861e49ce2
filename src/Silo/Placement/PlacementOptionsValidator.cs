using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Placement;

internal sealed class PlacementOptionsValidator : IValidateOptions<PlacementOptions>
{
    public ValidateOptionsResult Validate(string? name, PlacementOptions options)
    {
        var errors = new List<string>();
        if (options.ReportInterval <= TimeSpan.Zero || options.ReportInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Placement:ReportInterval must be over 0 and at most a minute (was {options.ReportInterval}).");
        }

        if (options.MetadataInterval <= TimeSpan.Zero)
        {
            errors.Add($"Placement:MetadataInterval must be over 0 (was {options.MetadataInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
