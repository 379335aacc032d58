using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Crypto.Tests;

public class TlsCertificateTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);

    private static CertificatePem CreateLocalhost(DateTimeOffset? now = null) =>
        SelfSignedCertificate.Create("appliance.local", ["localhost", "appliance.local"], [IPAddress.Loopback, IPAddress.IPv6Loopback], now ?? Now, Validity);

    [Test]
    public void Create_writes_a_PEM_certificate_and_a_PKCS8_PEM_private_key()
    {
        var pem = CreateLocalhost();

        Assert.That(pem.Certificate, Does.StartWith("-----BEGIN CERTIFICATE-----\n").And.Contain("-----END CERTIFICATE-----"));
        Assert.That(pem.PrivateKeyPem, Does.StartWith("-----BEGIN PRIVATE KEY-----\n").And.Contain("-----END PRIVATE KEY-----"));
    }

    [Test]
    public void Create_makes_a_certificate_with_its_P256_private_key()
    {
        var pem = CreateLocalhost();
        using var loaded = X509Certificate2.CreateFromPem(pem.Certificate, pem.PrivateKeyPem);
        using var publicKey = loaded.GetECDsaPublicKey();
        using var privateKey = loaded.GetECDsaPrivateKey();

        Assert.That(loaded.HasPrivateKey, Is.True);
        Assert.That(publicKey, Is.Not.Null);
        Assert.That(publicKey!.KeySize, Is.EqualTo(256));
        Assert.That(publicKey.ExportParameters(false).Curve.Oid.Value, Is.EqualTo("1.2.840.10045.3.1.7"));
        Assert.That(privateKey, Is.Not.Null);
        Assert.That(loaded.SignatureAlgorithm.Value, Is.EqualTo("1.2.840.10045.4.3.2"), "ecdsa-with-SHA256");
    }

    [Test]
    public void Create_pairs_the_private_key_with_the_certificate_it_returns()
    {
        var first = CreateLocalhost();
        var second = CreateLocalhost();

        Assert.That(() => X509Certificate2.CreateFromPem(first.Certificate, second.PrivateKeyPem), Throws.ArgumentException);
    }

    [Test]
    public void Create_puts_DNS_names_and_IP_addresses_in_the_subject_alternative_name()
    {
        var pem = SelfSignedCertificate.Create("appliance", ["localhost", "meet.example.org"], [IPAddress.Loopback, IPAddress.Parse("fd00::1")], Now, Validity);
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

        Assert.That(san.EnumerateDnsNames(), Is.EqualTo(new[] { "localhost", "meet.example.org" }));
        Assert.That(san.EnumerateIPAddresses(), Is.EqualTo(new[] { IPAddress.Loopback, IPAddress.Parse("fd00::1") }));
        Assert.That(certificate.MatchesHostname("localhost"), Is.True);
        Assert.That(certificate.MatchesHostname("127.0.0.1"), Is.True);
        Assert.That(certificate.MatchesHostname("example.org"), Is.False);
    }

    [Test]
    public void Create_names_the_subject_and_issuer_by_the_common_name()
    {
        var pem = SelfSignedCertificate.Create("Room 1, \"West\"", ["localhost"], [], Now, Validity);
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);

        Assert.That(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), Is.EqualTo("Room 1, \"West\""));
        Assert.That(certificate.IssuerName.RawData, Is.EqualTo(certificate.SubjectName.RawData));
    }

    [Test]
    public void Create_starts_validity_five_minutes_before_now_and_ends_after_the_validity()
    {
        var pem = CreateLocalhost();
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);

        Assert.That(pem.NotBefore, Is.EqualTo(Now.AddMinutes(-5)));
        Assert.That(pem.NotAfter, Is.EqualTo(Now + Validity));
        Assert.That(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), Is.EqualTo(pem.NotBefore));
        Assert.That(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), Is.EqualTo(pem.NotAfter));
    }

    [Test]
    public void Create_reports_validity_to_the_second_as_the_certificate_stores_it()
    {
        var now = Now.AddMilliseconds(750);
        var pem = CreateLocalhost(now);
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);

        Assert.That(new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), Is.EqualTo(pem.NotBefore));
        Assert.That(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), Is.EqualTo(pem.NotAfter));
    }

    [Test]
    public void Create_marks_the_certificate_as_a_TLS_server_leaf()
    {
        using var certificate = X509Certificate2.CreateFromPem(CreateLocalhost().Certificate);
        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        var extended = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        var keyId = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();

        Assert.That(certificate.Version, Is.EqualTo(3));
        Assert.That(basic.Critical, Is.True);
        Assert.That(basic.CertificateAuthority, Is.False);
        Assert.That(usage.Critical, Is.True);
        Assert.That(usage.KeyUsages, Is.EqualTo(X509KeyUsageFlags.DigitalSignature));
        Assert.That(extended.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value), Is.EqualTo(new[] { "1.3.6.1.5.5.7.3.1" }));
        Assert.That(keyId.SubjectKeyIdentifier, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void Create_uses_a_random_positive_16_byte_serial_number()
    {
        using var first = X509Certificate2.CreateFromPem(CreateLocalhost().Certificate);
        using var second = X509Certificate2.CreateFromPem(CreateLocalhost().Certificate);
        var serial = first.SerialNumberBytes.ToArray();

        Assert.That(serial, Has.Length.EqualTo(16));
        Assert.That(serial[0] & 0x80, Is.Zero, "sign bit");
        Assert.That(second.SerialNumberBytes.ToArray(), Is.Not.EqualTo(serial));
    }

    [Test]
    public void Create_signs_the_certificate_with_its_own_key()
    {
        var pem = CreateLocalhost();
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);
        var (tbs, signature) = SplitSignedCertificate(certificate.RawData);
        using var key = certificate.GetECDsaPublicKey()!;

        Assert.That(key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.True);

        tbs[^1] ^= 0x01;
        Assert.That(key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.False);
    }

    [Test]
    public void Create_builds_a_valid_chain_when_the_certificate_is_its_own_trust_root()
    {
        using var certificate = X509Certificate2.CreateFromPem(CreateLocalhost().Certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;

        var built = chain.Build(certificate);

        Assert.That(built, Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Test]
    public void Create_chain_fails_after_the_certificate_expires()
    {
        using var certificate = X509Certificate2.CreateFromPem(CreateLocalhost().Certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = (Now + Validity + TimeSpan.FromDays(1)).UtcDateTime;

        Assert.That(chain.Build(certificate), Is.False);
        Assert.That(chain.ChainStatus.Select(s => s.Status), Does.Contain(X509ChainStatusFlags.NotTimeValid));
    }

    [Test]
    public void Create_reports_the_SHA256_fingerprint_as_colon_separated_uppercase_hex()
    {
        var pem = CreateLocalhost();
        using var certificate = X509Certificate2.CreateFromPem(pem.Certificate);
        var expected = string.Join(':', certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(pair => new string(pair)));

        Assert.That(pem.Sha256Fingerprint, Does.Match("^([0-9A-F]{2}:){31}[0-9A-F]{2}$"));
        Assert.That(pem.Sha256Fingerprint, Is.EqualTo(expected));
    }

    [Test]
    public void Create_requires_at_least_one_subject_alternative_name()
    {
        Assert.That(() => SelfSignedCertificate.Create("appliance", [], [], Now, Validity), Throws.ArgumentException);
    }

    [Test]
    public void Create_requires_a_positive_validity()
    {
        Assert.That(() => SelfSignedCertificate.Create("appliance", ["localhost"], [], Now, TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ToX509_keeps_the_certificate_and_its_private_key()
    {
        var pem = CreateLocalhost();
        using var certificate = SelfSignedCertificate.ToX509(pem);
        using var key = certificate.GetECDsaPrivateKey();

        Assert.That(certificate.HasPrivateKey, Is.True);
        Assert.That(key, Is.Not.Null);
        Assert.That(certificate.GetCertHashString(HashAlgorithmName.SHA256), Is.EqualTo(pem.Sha256Fingerprint.Replace(":", "", StringComparison.Ordinal)));
    }

    [TestCase(SslProtocols.Tls13)]
    [TestCase(SslProtocols.Tls12)]
    public async Task ToX509_certificate_serves_TLS_to_a_client_that_pins_its_fingerprint(SslProtocols protocol)
    {
        var pem = SelfSignedCertificate.Create("appliance", ["localhost"], [IPAddress.Loopback], TimeProvider.System.GetUtcNow(), Validity);
        using var serverCertificate = SelfSignedCertificate.ToX509(pem);

        var negotiated = await HandshakeAsync(serverCertificate, pem.Sha256Fingerprint, protocol);

        Assert.That(negotiated, Is.EqualTo(protocol));
    }

    [Test]
    [Platform("Linux", Reason = "OpenSSL accepts the ephemeral key of a PEM import; SChannel on Windows does not, hence ToX509.")]
    public async Task PEM_loaded_certificate_serves_TLS_on_Linux_without_reimport()
    {
        var pem = SelfSignedCertificate.Create("appliance", ["localhost"], [IPAddress.Loopback], TimeProvider.System.GetUtcNow(), Validity);
        using var serverCertificate = X509Certificate2.CreateFromPem(pem.Certificate, pem.PrivateKeyPem);

        var negotiated = await HandshakeAsync(serverCertificate, pem.Sha256Fingerprint, SslProtocols.Tls13);

        Assert.That(negotiated, Is.EqualTo(SslProtocols.Tls13));
    }

    [Test]
    public void Client_pinning_another_fingerprint_refuses_the_certificate()
    {
        var pem = SelfSignedCertificate.Create("appliance", ["localhost"], [IPAddress.Loopback], TimeProvider.System.GetUtcNow(), Validity);
        var other = SelfSignedCertificate.Create("appliance", ["localhost"], [IPAddress.Loopback], TimeProvider.System.GetUtcNow(), Validity);
        using var serverCertificate = SelfSignedCertificate.ToX509(pem);

        Assert.That(async () => await HandshakeAsync(serverCertificate, other.Sha256Fingerprint, SslProtocols.Tls13),
            Throws.InstanceOf<AuthenticationException>());
    }

    private static async Task<SslProtocols> HandshakeAsync(X509Certificate2 serverCertificate, string pinnedFingerprint, SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var serverTask = ServeAsync(listener, serverCertificate, protocol, timeout.Token);

            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var clientStream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            var pinned = pinnedFingerprint.Replace(":", "", StringComparison.Ordinal);
            var clientOptions = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocol,
                // A self-signed appliance is trusted by its pinned fingerprint, whatever the chain says.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null
                    && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase),
            };

            try
            {
                await clientStream.AuthenticateAsClientAsync(clientOptions, timeout.Token);
                var request = "ping"u8.ToArray();
                await clientStream.WriteAsync(request, timeout.Token);
                var reply = new byte[4];
                await clientStream.ReadExactlyAsync(reply, timeout.Token);
                Assert.That(reply, Is.EqualTo("pong"u8.ToArray()));
                await serverTask;
                return clientStream.SslProtocol;
            }
            catch
            {
                client.Close();
                try
                {
                    await serverTask;
                }
                catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or SocketException)
                {
                    // The server sees the refused handshake as a broken connection; the client's error is the one under test.
                }

                throw;
            }
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task ServeAsync(TcpListener listener, X509Certificate2 certificate, SslProtocols protocol, CancellationToken cancellationToken)
    {
        using var connection = await listener.AcceptTcpClientAsync(cancellationToken);
        await using var stream = new SslStream(connection.GetStream(), leaveInnerStreamOpen: false);
        await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = protocol,
            ClientCertificateRequired = false,
        }, cancellationToken);
        var request = new byte[4];
        await stream.ReadExactlyAsync(request, cancellationToken);
        if (request.AsSpan().SequenceEqual("ping"u8))
        {
            await stream.WriteAsync("pong"u8.ToArray(), cancellationToken);
        }
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 section 4.1).
    private static (byte[] Tbs, byte[] Signature) SplitSignedCertificate(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = reader.ReadSequence();
        var tbs = certificate.ReadEncodedValue().ToArray();
        certificate.ReadSequence();
        var signature = certificate.ReadBitString(out var unusedBits);
        Assert.That(unusedBits, Is.Zero);
        return (tbs, signature);
    }
}
