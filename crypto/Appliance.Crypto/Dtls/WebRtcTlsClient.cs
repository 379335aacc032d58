using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// BouncyCastle's view of a WebRTC DTLS client (a browser stand-in for tests and the load generator): DTLS 1.2
/// only, the server's ECDHE-ECDSA AEAD suites, use_srtp with the offered profiles, its own certificate when
/// asked, the server's certificate pinned by SHA-256 fingerprint, and the SRTP keying material exported in
/// <see cref="NotifyHandshakeComplete"/> (the only place BouncyCastle allows it).
/// </summary>
internal sealed class WebRtcTlsClient : AbstractTlsClient, IDtlsAlertObserver
{
    // The same suites as the server, in the same order: what Chrome and Firefox offer for WebRTC too.
    private static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private readonly BcTlsCrypto _crypto;
    private readonly DtlsIdentity _identity;
    private readonly byte[] _expectedFingerprint;
    private readonly int[] _offeredProfiles;
    private readonly DtlsServerOptions _options;

    private volatile bool _closeNotifyReceived;

    internal WebRtcTlsClient(BcTlsCrypto crypto, DtlsIdentity identity, byte[] expectedFingerprint, int[] offeredProfiles, DtlsServerOptions options)
        : base(crypto)
    {
        _crypto = crypto;
        _identity = identity;
        _expectedFingerprint = expectedFingerprint;
        _offeredProfiles = offeredProfiles;
        _options = options;
    }

    /// <summary>Set when this client rejected the handshake for a reason of its own, before it raised the alert.</summary>
    internal DtlsHandshakeFailure? Failure { get; private set; }

    internal int SelectedProfile { get; private set; }

    internal byte[]? KeyingMaterial { get; private set; }

    internal string? RemoteFingerprint { get; private set; }

    public bool CloseNotifyReceived => _closeNotifyReceived;

    public override int GetHandshakeTimeoutMillis() => (int)Math.Ceiling(_options.HandshakeTimeout.TotalMilliseconds);

    public override int GetHandshakeResendTimeMillis() => (int)Math.Ceiling(_options.InitialRetransmitTimeout.TotalMilliseconds);

    // RFC 6347 section 4.1.2.7: invalid records SHOULD be silently discarded, not end the association.
    public override bool IgnoreCorruptDtlsRecords => true;

    // The client never renegotiates, so a server that omits renegotiation_info (RFC 5746) is no risk here.
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
    }

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());

        // No MKI, as in WebRTC (RFC 5764 section 4.1.1).
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_offeredProfiles, []));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);

        // RFC 5764 section 4.1.1: the server answers with exactly one of the offered profiles, or omits use_srtp.
        var selected = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (selected is null || selected.ProtectionProfiles.Length != 1 || Array.IndexOf(_offeredProfiles, selected.ProtectionProfiles[0]) < 0)
        {
            Failure = DtlsHandshakeFailure.NoCommonSrtpProfile;
            throw new TlsFatalAlert(selected is null ? AlertDescription.handshake_failure : AlertDescription.illegal_parameter, "The server selected no offered SRTP protection profile");
        }

        SelectedProfile = selected.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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

    private void CheckServerCertificate(TlsServerCertificate serverCertificate)
    {
        var chain = serverCertificate.Certificate;
        if (chain is null || chain.IsEmpty)
        {
            Failure = DtlsHandshakeFailure.ProtocolError;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The server sent no certificate");
        }

        // The fingerprint covers the end-entity certificate (RFC 8122 section 5); BouncyCastle checks the
        // ServerKeyExchange signature against this certificate's key afterwards.
        Span<byte> actual = stackalloc byte[CertificateFingerprint.Sha256Length];
        SHA256.HashData(chain.GetCertificateAt(0).GetEncoded(), actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, _expectedFingerprint))
        {
            Failure = DtlsHandshakeFailure.FingerprintMismatch;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "Server certificate fingerprint does not match the SDP");
        }

        RemoteFingerprint = CertificateFingerprint.Format(actual);
    }

    private BcDefaultTlsCredentialedSigner GetClientCredentials()
    {
        var certificate = new Certificate([_crypto.CreateCertificate(_identity.Certificate.GetEncoded())]);
        return new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(m_context),
            _crypto,
            _identity.PrivateKey,
            certificate,
            SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    private sealed class Authentication(WebRtcTlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => client.CheckServerCertificate(serverCertificate);

        // WebRTC servers always ask (RFC 8827 section 6.5); the appliance's server refuses a client without one.
        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) => client.GetClientCredentials();
    }
}
