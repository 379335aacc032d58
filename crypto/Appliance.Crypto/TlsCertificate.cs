using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Appliance.Crypto;

/// <summary>A certificate and its private key as PEM text, with the facts an operator checks.</summary>
/// <param name="Certificate">
/// The certificate, <c>-----BEGIN CERTIFICATE-----</c>. Not called CertificatePem because C# forbids a
/// member named like its enclosing type.
/// </param>
/// <param name="PrivateKeyPem">The unencrypted PKCS#8 private key, <c>-----BEGIN PRIVATE KEY-----</c>.</param>
/// <param name="NotBefore">Start of validity, to the second as written in the certificate.</param>
/// <param name="NotAfter">End of validity, to the second as written in the certificate.</param>
/// <param name="Sha256Fingerprint">SHA-256 of the DER certificate, uppercase hex pairs joined by ':'.</param>
public sealed record CertificatePem(string Certificate, string PrivateKeyPem, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256Fingerprint);

/// <summary>
/// Creates the appliance's own TLS server certificate for first boot, before an operator installs one
/// from their CA. Clients pin it by fingerprint.
/// </summary>
public static class SelfSignedCertificate
{
    private const int SerialBytes = 16;

    // Tolerates clients whose clocks run slightly behind the appliance's.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates an ECDSA P-256 server certificate signed by its own key, valid from
    /// <paramref name="now"/> minus five minutes to <paramref name="now"/> plus <paramref name="validity"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No DNS name or IP address was given, or the common name is empty.</exception>
    public static CertificatePem Create(string commonName, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses, DateTimeOffset now, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        if (dnsNames.Count + ipAddresses.Count == 0)
        {
            // Browsers ignore the common name; a certificate without SAN entries matches no host.
            throw new ArgumentException("At least one DNS name or IP address is required.", nameof(dnsNames));
        }

        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator();
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keyPair = keyGenerator.GenerateKeyPair();

        // X.509 stores whole seconds; truncating here makes the returned dates equal the certificate's.
        var notBefore = TruncateToSeconds(now - ClockSkew);
        var notAfter = TruncateToSeconds(now + validity);

        var name = new X509Name(new List<DerObjectIdentifier> { X509Name.CN }, new List<string> { commonName });
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerial(random));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(keyPair.Public);

        var altNames = new List<GeneralName>(dnsNames.Count + ipAddresses.Count);
        foreach (var dnsName in dnsNames)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(dnsName, nameof(dnsNames));
            altNames.Add(new GeneralName(GeneralName.DnsName, dnsName));
        }

        foreach (var address in ipAddresses)
        {
            ArgumentNullException.ThrowIfNull(address, nameof(ipAddresses));
            altNames.Add(new GeneralName(GeneralName.IPAddress, new DerOctetString(address.GetAddressBytes())));
        }

        generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(altNames.ToArray()));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_serverAuth));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keyPair.Public));

        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));
        var certificateDer = certificate.GetEncoded();
        var keyDer = PrivateKeyInfoFactory.CreatePrivateKeyInfo(keyPair.Private).GetEncoded();
        try
        {
            return new CertificatePem(
                Pem("CERTIFICATE", certificateDer),
                Pem("PRIVATE KEY", keyDer),
                notBefore,
                notAfter,
                Fingerprint(certificateDer));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyDer);
        }
    }

    /// <summary>
    /// Loads the PEM pair as a certificate with a usable private key for <c>SslStream</c>.
    /// It goes through PKCS#12 because a key imported from PEM is ephemeral, which SChannel on
    /// Windows refuses for TLS; the round trip costs little and works the same on every platform.
    /// </summary>
    public static X509Certificate2 ToX509(CertificatePem pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        using var fromPem = X509Certificate2.CreateFromPem(pem.Certificate, pem.PrivateKeyPem);
        var pfx = fromPem.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pfx, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    private static BigInteger RandomSerial(SecureRandom random)
    {
        var bytes = new byte[SerialBytes];
        random.NextBytes(bytes);
        // Clear the sign bit so the serial is positive, and set the next one so DER keeps all 16 bytes.
        bytes[0] = (byte)((bytes[0] & 0x7F) | 0x40);
        return new BigInteger(1, bytes);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    private static string Pem(string label, byte[] der) => new string(PemEncoding.Write(label, der)) + "\n";

    private static string Fingerprint(byte[] der)
    {
        var hex = Convert.ToHexString(SHA256.HashData(der));
        var builder = new StringBuilder((hex.Length / 2 * 3) - 1);
        for (var i = 0; i < hex.Length; i += 2)
        {
            if (i > 0)
            {
                builder.Append(':');
            }

            builder.Append(hex, i, 2);
        }

        return builder.ToString();
    }
}
