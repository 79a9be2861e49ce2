using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Hosting;

internal sealed class HostingOptionsValidator : IValidateOptions<StorageOptions>, IValidateOptions<SiloHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) => options.Provider switch
    {
        StorageOptions.Memory => ValidateOptionsResult.Success,
        // The PostgreSQL provider arrives with issue #4; until then say so rather than run on memory.
        StorageOptions.PostgreSql => ValidateOptionsResult.Fail(
            "Storage:Provider=PostgreSQL is not available in this build yet; use Storage:Provider=Memory."),
        _ => ValidateOptionsResult.Fail($"Storage:Provider must be 'Memory' or 'PostgreSQL' (was '{options.Provider}')."),
    };

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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
