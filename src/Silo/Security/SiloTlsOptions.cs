namespace HeaterOrleans.Silo.Security;

/// <summary>
/// Silo-to-silo TLS (<c>Orleans:Tls:*</c>), off unless a certificate is given. Both ends present a certificate and
/// each must chain to <see cref="CaPath"/>: a silo of another cluster, or anything else that reaches the silo port,
/// cannot join or call grains.
/// </summary>
public sealed class SiloTlsOptions
{
    public const string SectionName = "Orleans:Tls";

    /// <summary>This silo's certificate: a PEM file (with <see cref="KeyPath"/>) or a PKCS#12 file (.pfx/.p12). Empty = no TLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate (e.g. <c>tls.key</c> of a Kubernetes TLS secret).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// PEM of the CA that signed every silo's certificate (<c>ca.crt</c>); the only root trusted for silo peers. Silos
    /// reach each other by IP, so host names are not checked; the CA is what proves membership. Required with a certificate.
    /// </summary>
    public string? CaPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
