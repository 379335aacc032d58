using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Crypto.Dtls;

namespace Appliance.Crypto.Tests.Dtls;

public class DtlsIdentityTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, 750, TimeSpan.Zero);

    [Test]
    public void Create_makes_a_self_signed_ECDSA_P256_certificate_named_appliance()
    {
        using var identity = DtlsIdentity.Create(new FixedTimeProvider(Now));
        using var certificate = X509CertificateLoader.LoadCertificate(identity.GetCertificateDer());
        using var key = certificate.GetECDsaPublicKey();

        Assert.That(key, Is.Not.Null);
        Assert.That(key!.ExportParameters(false).Curve.Oid.Value, Is.EqualTo("1.2.840.10045.3.1.7"), "P-256");
        Assert.That(certificate.SignatureAlgorithm.Value, Is.EqualTo("1.2.840.10045.4.3.2"), "ecdsa-with-SHA256");
        Assert.That(certificate.Subject, Is.EqualTo("CN=appliance"));
        Assert.That(certificate.IssuerName.RawData, Is.EqualTo(certificate.SubjectName.RawData));
    }

    [Test]
    public void Create_signs_the_certificate_with_its_own_key()
    {
        using var identity = DtlsIdentity.Create(new FixedTimeProvider(Now));
        using var certificate = X509CertificateLoader.LoadCertificate(identity.GetCertificateDer());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;

        Assert.That(chain.Build(certificate), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Test]
    public void Create_takes_validity_from_the_time_provider_to_the_second()
    {
        using var identity = DtlsIdentity.Create(new FixedTimeProvider(Now));
        using var certificate = X509CertificateLoader.LoadCertificate(identity.GetCertificateDer());
        var wholeSeconds = Now.AddMilliseconds(-750);

        Assert.That(identity.NotBefore, Is.EqualTo(wholeSeconds.AddDays(-1)));
        Assert.That(identity.NotAfter, Is.EqualTo(wholeSeconds.AddDays(30)));
        Assert.That(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), Is.EqualTo(identity.NotBefore));
        Assert.That(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), Is.EqualTo(identity.NotAfter));
    }

    [Test]
    public void Sha256Fingerprint_is_the_SDP_form_of_the_certificate_hash()
    {
        using var identity = DtlsIdentity.Create(TimeProvider.System);
        using var certificate = X509CertificateLoader.LoadCertificate(identity.GetCertificateDer());
        var expected = string.Join(':', certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(pair => new string(pair)));

        Assert.That(identity.Sha256Fingerprint, Does.Match("^([0-9A-F]{2}:){31}[0-9A-F]{2}$"));
        Assert.That(identity.Sha256Fingerprint, Is.EqualTo(expected));
    }

    [Test]
    public void Create_makes_a_new_key_and_certificate_each_time()
    {
        using var first = DtlsIdentity.Create(TimeProvider.System);
        using var second = DtlsIdentity.Create(TimeProvider.System);
        using var firstCertificate = X509CertificateLoader.LoadCertificate(first.GetCertificateDer());
        using var secondCertificate = X509CertificateLoader.LoadCertificate(second.GetCertificateDer());

        Assert.That(second.Sha256Fingerprint, Is.Not.EqualTo(first.Sha256Fingerprint));
        Assert.That(secondCertificate.GetPublicKey(), Is.Not.EqualTo(firstCertificate.GetPublicKey()));
        Assert.That(secondCertificate.SerialNumberBytes.ToArray(), Is.Not.EqualTo(firstCertificate.SerialNumberBytes.ToArray()));
    }

    [Test]
    public void GetCertificateDer_returns_a_copy()
    {
        using var identity = DtlsIdentity.Create(TimeProvider.System);
        var der = identity.GetCertificateDer();
        der[0] ^= 0xFF;

        Assert.That(identity.GetCertificateDer()[0], Is.Not.EqualTo(der[0]));
    }

    [Test]
    public void Dispose_releases_the_private_key()
    {
        var identity = DtlsIdentity.Create(TimeProvider.System);

        identity.Dispose();

        Assert.That(() => identity.PrivateKey, Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(identity.Sha256Fingerprint, Is.Not.Empty, "the public facts stay readable");
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
