using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// BouncyCastle's view of a WebRTC DTLS client (a browser stand-in for tests and the load generator): DTLS 1.2
/// only, the server's ECDHE-ECDSA AEAD suites, use_srtp with the offered profiles, its own certificate when
/// asked, the server's certificate pinned by SHA-256 fingerprint, and the SRTP keying material exported in
/// <see cref="NotifyHandshakeComplete"/> (the only place BouncyCastle allows it).
/// </summary>
internal sealed class WebRtcTlsClient : AbstractTlsClient
{
    private readonly int[] _offeredProfiles;

    internal WebRtcTlsClient(WebRtcTlsEndpoint endpoint, int[] offeredProfiles)
        : base(endpoint.Crypto)
    {
        Endpoint = endpoint;
        _offeredProfiles = offeredProfiles;
    }

    /// <summary>What the client shares with the server: the outcome of the handshake and the peer's close_notify.</summary>
    internal WebRtcTlsEndpoint Endpoint { get; }

    public override int GetHandshakeTimeoutMillis() => Endpoint.HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => Endpoint.HandshakeResendTimeMillis;

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
            throw Endpoint.Refuse(
                DtlsHandshakeFailure.NoCommonSrtpProfile,
                selected is null ? AlertDescription.handshake_failure : AlertDescription.illegal_parameter,
                "The server selected no offered SRTP protection profile");
        }

        Endpoint.SelectedProfile = selected.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Endpoint.ExportKeyingMaterial(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => Endpoint.NotifyAlertReceived(alertDescription);

    protected override int[] GetSupportedCipherSuites() => WebRtcTlsEndpoint.SupportedCipherSuites();

    protected override ProtocolVersion[] GetSupportedVersions() => WebRtcTlsEndpoint.SupportedVersions();

    private sealed class Authentication(WebRtcTlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.Endpoint.CheckPeerCertificate(
                serverCertificate.Certificate,
                DtlsHandshakeFailure.ProtocolError,
                "The server sent no certificate",
                "Server certificate fingerprint does not match the SDP");

        // WebRTC servers always ask (RFC 8827 section 6.5); the appliance's server refuses a client without one.
        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client.Endpoint.CreateSigner(
                client.m_context,
                SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}
