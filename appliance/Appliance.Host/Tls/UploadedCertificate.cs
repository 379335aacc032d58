using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Host.Tls;

/// <summary>
/// The agency's certificate as the system page stores it (<c>&lt;data&gt;/tls/uploaded.crt|key</c>, PEM, 0600) and as a
/// backup carries it: the one check that a pair can be served, shared by the upload and the restore.
/// </summary>
public static class UploadedCertificate
{
    /// <summary>The folder under the data folder (and in a backup) that holds the pair.</summary>
    public const string FolderName = "tls";

    /// <summary>The certificate's file name in the tls folder.</summary>
    public const string CertificateFileName = "uploaded.crt";

    /// <summary>The key's file name in the tls folder.</summary>
    public const string KeyFileName = "uploaded.key";

    /// <summary>The pair's paths relative to the data folder (and to a backup folder), certificate first.</summary>
    public static IReadOnlyList<string> RelativePaths { get; } = [FolderName + "/" + CertificateFileName, FolderName + "/" + KeyFileName];

    /// <summary>
    /// The certificate with its key, or null and why not (the PEM does not parse, or the key does not belong to the
    /// certificate). The reason is the framework's wording and never holds key material.
    /// </summary>
    public static X509Certificate2? TryParse(string certificatePem, string keyPem, out string? problem)
    {
        problem = null;
        try
        {
            var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            if (certificate.HasPrivateKey)
            {
                return certificate;
            }

            certificate.Dispose();
            problem = "the certificate has no private key";
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // Covers both a PEM that does not parse and a key that does not belong to the certificate.
            problem = e.Message;
        }

        return null;
    }
}
