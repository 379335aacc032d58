using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// BouncyCastle's view of the appliance as a WebRTC DTLS server: DTLS 1.2 only, ECDHE-ECDSA AEAD suites,
/// a mandatory client certificate pinned by SHA-256 fingerprint, use_srtp negotiated from our preference
/// list, and the SRTP keying material exported in <see cref="NotifyHandshakeComplete"/>: BouncyCastle refuses an
/// export anywhere else ("only available from NotifyHandshakeComplete()") and clears the master secret when
/// Accept returns.
/// </summary>
internal sealed class WebRtcTlsServer : AbstractTlsServer, IDtlsAlertObserver
{
    private static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private readonly BcTlsCrypto _crypto;
    private readonly DtlsIdentity _identity;
    private readonly byte[] _expectedFingerprint;
    private readonly IReadOnlyList<int> _preferredProfiles;
    private readonly DtlsServerOptions _options;

    private volatile bool _closeNotifyReceived;

    internal WebRtcTlsServer(BcTlsCrypto crypto, DtlsIdentity identity, byte[] expectedFingerprint, IReadOnlyList<int> preferredProfiles, DtlsServerOptions options)
        : base(crypto)
    {
        _crypto = crypto;
        _identity = identity;
        _expectedFingerprint = expectedFingerprint;
        _preferredProfiles = preferredProfiles;
        _options = options;
    }

    /// <summary>Set when this server rejected the handshake for a reason of its own, before it raised the alert.</summary>
    internal DtlsHandshakeFailure? Failure { get; private set; }

    internal int SelectedProfile { get; private set; }

    internal byte[]? KeyingMaterial { get; private set; }

    internal string? RemoteFingerprint { get; private set; }

    public bool CloseNotifyReceived => _closeNotifyReceived;

    public override int GetHandshakeTimeoutMillis() => (int)Math.Ceiling(_options.HandshakeTimeout.TotalMilliseconds);

    public override int GetHandshakeResendTimeMillis() => (int)Math.Ceiling(_options.InitialRetransmitTimeout.TotalMilliseconds);

    // RFC 6347 section 4.1.2.7: invalid records SHOULD be silently discarded, not end the association.
    public override bool IgnoreCorruptDtlsRecords => true;

    // The server never renegotiates, so a peer that omits renegotiation_info (RFC 5746) is no risk here.
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        var offered = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is not null)
        {
            foreach (var profile in _preferredProfiles)
            {
                if (Array.IndexOf(offered.ProtectionProfiles, profile) >= 0)
                {
                    SelectedProfile = profile;
                    return;
                }
            }
        }

        // RFC 5764 section 4.1.2 would let the handshake go on without SRTP; WebRTC media has no use for that.
        Failure = DtlsHandshakeFailure.NoCommonSrtpProfile;
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "No common SRTP protection profile");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        // No MKI: WebRTC never uses one, and an empty srtp_mki tells the client so (RFC 5764 section 4.1.1).
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([SelectedProfile], []));
        return extensions;
    }

    public override TlsCredentials GetCredentials()
    {
        var signatureAlgorithm = SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        var clientAlgorithms = m_context.SecurityParameters.ClientSigAlgs;
        if (clientAlgorithms is not null && !clientAlgorithms.Contains(signatureAlgorithm))
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "Client does not accept ecdsa_secp256r1_sha256");
        }

        var certificate = new Certificate([_crypto.CreateCertificate(_identity.Certificate.GetEncoded())]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, _identity.PrivateKey, certificate, signatureAlgorithm);
    }

    public override CertificateRequest GetCertificateRequest()
    {
        // WebRTC endpoints authenticate with self-signed certificates, so no certificate authorities are named.
        short[] certificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        var signatureAlgorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return new CertificateRequest(certificateTypes, signatureAlgorithms, new List<X509Name>());
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            Failure = DtlsHandshakeFailure.NoClientCertificate;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client sent no certificate");
        }

        // The fingerprint covers the end-entity certificate, the first in the chain (RFC 8122 section 5).
        // BouncyCastle checks the CertificateVerify signature against this certificate's key afterwards.
        var der = clientCertificate.GetCertificateAt(0).GetEncoded();
        Span<byte> actual = stackalloc byte[CertificateFingerprint.Sha256Length];
        SHA256.HashData(der, actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, _expectedFingerprint))
        {
            Failure = DtlsHandshakeFailure.FingerprintMismatch;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "Client certificate fingerprint does not match the SDP");
        }

        RemoteFingerprint = CertificateFingerprint.Format(actual);
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpProfiles.KeyingMaterialLength(SelectedProfile));
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            _closeNotifyReceived = true;
        }
    }

    protected override int[] GetSupportedCipherSuites() => (int[])CipherSuites.Clone();

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();
}
