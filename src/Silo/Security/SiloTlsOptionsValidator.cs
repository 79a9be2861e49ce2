using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Security;

internal sealed class SiloTlsOptionsValidator : IValidateOptions<SiloTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloTlsOptions options)
    {
        if (!options.Enabled)
        {
            return string.IsNullOrWhiteSpace(options.KeyPath) && string.IsNullOrWhiteSpace(options.CaPath)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Orleans:Tls:KeyPath and :CaPath need Orleans:Tls:CertificatePath.");
        }

        var errors = new List<string>();
        Exists(options.CertificatePath, "CertificatePath", errors);
        if (IsPem(options.CertificatePath!))
        {
            if (string.IsNullOrWhiteSpace(options.KeyPath))
            {
                errors.Add("Orleans:Tls:KeyPath is required with a PEM certificate.");
            }
            else
            {
                Exists(options.KeyPath, "KeyPath", errors);
            }
        }

        if (string.IsNullOrWhiteSpace(options.CaPath))
        {
            errors.Add("Orleans:Tls:CaPath is required with a certificate: silo peers are trusted by their CA.");
        }
        else
        {
            Exists(options.CaPath, "CaPath", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether the certificate file is PEM rather than PKCS#12 (by its extension).</summary>
    internal static bool IsPem(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is not (".pfx" or ".p12");

    private static void Exists(string? path, string key, List<string> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add($"Orleans:Tls:{key} names no readable file (was '{path}').");
        }
    }
}
