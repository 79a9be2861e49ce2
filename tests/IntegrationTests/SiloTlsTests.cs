using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace HeaterOrleans.IntegrationTests;

/// <summary>
/// Silo-to-silo TLS (<c>Orleans:Tls:*</c>): two silos with certificates of the cluster's CA form a cluster and lose
/// nothing; a silo whose certificate another CA signed cannot join it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloTlsTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heater-tls-").FullName;

    [Fact]
    public async Task Silos_of_one_CA_form_a_cluster_and_a_silo_of_another_cannot_join()
    {
        var cluster = Issue("cluster");
        var rogue = Issue("rogue");
        var database = await postgres.Server.CreateDatabaseAsync();
        using var kafka = new TestBroker(partitions: 4);
        var workload = new Workload(kafka, sensors: 100);
        using var first = ChildProcess.StartOn(kafka, database, cluster);
        using var second = ChildProcess.StartOn(kafka, database, cluster);
        await ChildProcess.WaitForPartitionsAsync(TimeSpan.FromSeconds(90), first, second);
        await Eventually.True(() => SiloFailureTests.ActiveSilos(database) == 2, TimeSpan.FromSeconds(60), "two active silos over TLS");

        await workload.SendSettingsAsync();
        for (var round = 0; round < 10; round++)
        {
            await workload.SendRoundAsync();
        }

        await Eventually.True(() => kafka.GroupCaughtUp("heater-controller", TestBroker.Readings), TimeSpan.FromSeconds(60), "readings processed");
        var (expected, _, lost) = workload.Check();
        Assert.True(expected > 100, $"the workload should switch heaters; it expected {expected} commands");
        Assert.Empty(lost);

        using var intruder = ChildProcess.StartOn(kafka, database, rogue);
        // Its handshakes fail both ways, it cannot validate connectivity to the members, and they vote it dead: Orleans
        // then stops it (a fail-fast, exit 134).
        var ended = await intruder.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"the intruder {(ended ? $"exited with {intruder.ExitCode}" : "was still running after 90 s")}, " +
            $"{intruder.Output.Count(l => l.Contains("Authentication failed", StringComparison.Ordinal))} failed TLS handshakes");
        Assert.True(intruder.Logged("The remote certificate was rejected"), "the intruder's handshakes should fail on its certificate");
        Assert.False(intruder.Logged("Ingress assigned"), "a silo of another CA must not start consuming");
        Assert.Equal(2, SiloFailureTests.ActiveSilos(database));
        Assert.False(first.HasExited || second.HasExited);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A CA of its own and a silo certificate it signed, as PEM files; the silo arguments that use them.</summary>
    private string[] Issue(string name)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=heater {name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=heater {name} silo", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        using var silo = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var (certificatePath, keyPath, caPath) = (Path.Combine(_folder, $"{name}.crt"), Path.Combine(_folder, $"{name}.key"), Path.Combine(_folder, $"{name}-ca.crt"));
        File.WriteAllText(certificatePath, silo.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        return [$"--Orleans:Tls:CertificatePath={certificatePath}", $"--Orleans:Tls:KeyPath={keyPath}", $"--Orleans:Tls:CaPath={caPath}"];
    }
}
