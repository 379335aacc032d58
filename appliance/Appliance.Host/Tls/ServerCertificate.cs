using System.Net;
using System.Security.Cryptography.X509Certificates;
using Appliance.Crypto;
using Appliance.Host.Configuration;
using Appliance.Host.Security;

namespace Appliance.Host.Tls;

/// <summary>
/// The certificate Kestrel serves: the operator's own when configured, otherwise a self-signed ECDSA P-256 certificate
/// generated on first start (and renewed when it nears expiry) and kept in the data folder.
/// </summary>
public sealed class ServerCertificate : IDisposable
{
    private static readonly TimeSpan SelfSignedValidity = TimeSpan.FromDays(397);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private ServerCertificate(X509Certificate2 certificate, bool selfSigned, string source)
    {
        Certificate = certificate;
        IsSelfSigned = selfSigned;
        Source = source;
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>True for the generated certificate.</summary>
    public bool IsSelfSigned { get; }

    /// <summary>Where it came from (a path), for the operator.</summary>
    public string Source { get; }

    /// <summary>The end of validity.</summary>
    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    /// <summary>Loads the configured certificate, or loads/creates the self-signed one in <paramref name="dataDirectory"/>.</summary>
    public static ServerCertificate Load(TlsOptions options, string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return LoadConfigured(options);
        }

        var folder = Path.Combine(dataDirectory, UploadedCertificate.FolderName);
        // A certificate the operator uploaded on the admin system page (checked there) wins over the self-signed one.
        var uploadedCert = Path.Combine(folder, UploadedCertificate.CertificateFileName);
        var uploadedKey = Path.Combine(folder, UploadedCertificate.KeyFileName);
        if (File.Exists(uploadedCert) && File.Exists(uploadedKey))
        {
            try
            {
                return new ServerCertificate(Materialise(X509Certificate2.CreateFromPemFile(uploadedCert, uploadedKey)), false, uploadedCert);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new InvalidOperationException($"The uploaded certificate in {uploadedCert} (key {uploadedKey}) cannot be read: {ex.Message}. Move both files away to use the self-signed one.", ex);
            }
        }

        var certPath = Path.Combine(folder, "selfsigned.crt");
        var keyPath = Path.Combine(folder, "selfsigned.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            try
            {
                var existing = Materialise(X509Certificate2.CreateFromPemFile(certPath, keyPath));
                if (existing.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime > RenewBefore)
                {
                    return new ServerCertificate(existing, true, certPath);
                }

                existing.Dispose();
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"The self-signed certificate in {certPath} (key {keyPath}) cannot be read: {ex.Message}. Move both files away to have a new one generated.", ex);
            }
        }

        PrivateFiles.CreateDirectory(folder);
        var names = new List<string> { "localhost" };
        var hostName = Dns.GetHostName();
        if (!string.IsNullOrWhiteSpace(hostName) && !names.Contains(hostName, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(hostName);
        }

        foreach (var name in options.SelfSignedNames)
        {
            if (!string.IsNullOrWhiteSpace(name) && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name.Trim());
            }
        }

        var pem = SelfSignedCertificate.Create(names[^1], names, [IPAddress.Loopback, IPAddress.IPv6Loopback], time.GetUtcNow(), SelfSignedValidity);
        PrivateFiles.Write(keyPath, pem.PrivateKeyPem);
        File.WriteAllText(certPath, pem.Certificate);
        return new ServerCertificate(Materialise(X509Certificate2.CreateFromPem(pem.Certificate, pem.PrivateKeyPem)), true, certPath);
    }

    private static ServerCertificate LoadConfigured(TlsOptions options)
    {
        var certPath = options.CertificatePath!;
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        try
        {
            var certificate = Materialise(X509Certificate2.CreateFromPemFile(certPath, keyPath));
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"The certificate {certPath} has no private key; set Appliance:Tls:KeyPath.");
            }

            return new ServerCertificate(certificate, false, certPath);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"The configured TLS certificate {certPath} (key {keyPath ?? "in the same file"}) cannot be loaded: {ex.Message}", ex);
        }
    }

    // SslStream on Linux wants a certificate whose key is not an ephemeral PEM import; a PKCS#12 round trip gives that.
    private static X509Certificate2 Materialise(X509Certificate2 fromPem)
    {
        using (fromPem)
        {
            return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
        }
    }


    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}
