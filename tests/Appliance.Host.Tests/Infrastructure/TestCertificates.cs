using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>Certificates an operator could upload on the system page.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed ECDSA P-256 certificate for meet.example.org and its PKCS#8 key, both PEM.</summary>
    public static (string Certificate, string Key) Pem(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=meet.example.org", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("meet.example.org");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A pair valid from yesterday for 90 days.</summary>
    public static (string Certificate, string Key) Current()
    {
        var now = TimeProvider.System.GetUtcNow();
        return Pem(now.AddDays(-1), now.AddDays(90));
    }
}
