using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// The appliance's DTLS certificate and private key for WebRTC media: an ECDSA P-256 certificate signed by
/// its own key. Browsers do not validate a DTLS certificate's chain or dates; they compare its SHA-256
/// fingerprint with the one the appliance put in its SDP (RFC 8122, RFC 8827), so
/// <see cref="Sha256Fingerprint"/> is what makes this certificate trusted.
/// </summary>
/// <remarks>
/// One identity serves every peer and is safe to share between threads. Create a new one when the process
/// starts, or at the latest before <see cref="NotAfter"/>: a fresh identity only changes the fingerprint in
/// the next offers.
/// </remarks>
public sealed class DtlsIdentity : IDisposable
{
    /// <summary>The subject and issuer common name of every identity.</summary>
    public const string CommonName = "appliance";

    private const int SerialBytes = 16;
    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    // Peers whose clocks run behind still accept the dates, should one ever look at them.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromDays(1);

    private readonly X509Certificate _certificate;
    private readonly byte[] _certificateDer;
    private AsymmetricKeyParameter? _privateKey;

    private DtlsIdentity(X509Certificate certificate, AsymmetricKeyParameter privateKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        _certificate = certificate;
        _certificateDer = certificate.GetEncoded();
        _privateKey = privateKey;
        Sha256Fingerprint = CertificateFingerprint.Sha256(_certificateDer);
        NotBefore = notBefore;
        NotAfter = notAfter;
    }

    /// <summary>SHA-256 of the DER certificate as SDP writes it: "AB:CD:..." (uppercase hex, colons).</summary>
    public string Sha256Fingerprint { get; }

    /// <summary>Start of the certificate's validity, to the second.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of the certificate's validity, to the second.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The DER encoding of the certificate (a copy).</summary>
    public byte[] GetCertificateDer() => (byte[])_certificateDer.Clone();

    /// <summary>The certificate as BouncyCastle's TLS layer needs it.</summary>
    internal X509Certificate Certificate => _certificate;

    /// <summary>The private key; throws once the identity is disposed.</summary>
    internal AsymmetricKeyParameter PrivateKey => _privateKey ?? throw new ObjectDisposedException(nameof(DtlsIdentity));

    /// <summary>
    /// Creates a new key pair and certificate: ECDSA P-256, signed with SHA-256, subject and issuer
    /// CN=appliance, a random 128-bit serial, valid from a day before now for thirty days.
    /// </summary>
    public static DtlsIdentity Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);

        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator();
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keyPair = keyGenerator.GenerateKeyPair();

        // X.509 keeps whole seconds; truncating here keeps NotBefore and NotAfter equal to the certificate's.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var notBefore = now - ClockSkew;
        var notAfter = now + Validity;
        var name = new X509Name(new List<DerObjectIdentifier> { X509Name.CN }, new List<string> { CommonName });

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerial(random));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(keyPair.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));

        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));
        return new DtlsIdentity(certificate, keyPair.Private, notBefore, notAfter);
    }

    /// <summary>Forgets the private key; later handshakes with this identity throw <see cref="ObjectDisposedException"/>.</summary>
    /// <remarks>BouncyCastle keeps the key in immutable big integers, so it cannot be wiped, only released.</remarks>
    public void Dispose()
    {
        _privateKey = null;
    }

    private static BigInteger RandomSerial(SecureRandom random)
    {
        var bytes = new byte[SerialBytes];
        random.NextBytes(bytes);
        // Positive (sign bit clear) and a full 16 bytes in DER (next bit set).
        bytes[0] = (byte)((bytes[0] & 0x7F) | 0x40);
        var serial = new BigInteger(1, bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return serial;
    }
}
