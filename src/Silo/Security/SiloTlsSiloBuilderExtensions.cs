using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace HeaterOrleans.Silo.Security;

/// <summary>Registers silo-to-silo TLS (<c>Orleans:Tls:*</c>) with Orleans' connection security.</summary>
public static class SiloTlsSiloBuilderExtensions
{
    /// <summary>Mutual TLS on the silo port when <c>Orleans:Tls:CertificatePath</c> is set; nothing otherwise.</summary>
    public static ISiloBuilder AddSiloTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Read now: the connection middleware is configured while the host is being built.
        var options = configuration.GetSection(SiloTlsOptions.SectionName).Get<SiloTlsOptions>() ?? new();
        if (new SiloTlsOptionsValidator().Validate(null, options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(SiloTlsOptions.SectionName, typeof(SiloTlsOptions), invalid.Failures);
        }

        if (!options.Enabled)
        {
            return silo;
        }

        var certificate = SiloTlsOptionsValidator.IsPem(options.CertificatePath!)
            ? X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath)
            : X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath!, options.CertificatePassword);
        var ca = X509CertificateLoader.LoadCertificateFromFile(options.CaPath!);
        return silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (peer, _, errors) => ChainsTo(peer, ca, errors);
        });
    }

    /// <summary>Whether <paramref name="peer"/> was issued by <paramref name="ca"/>; names are not checked (silos dial IPs).</summary>
    internal static bool ChainsTo(X509Certificate2 peer, X509Certificate2 ca, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }
}
