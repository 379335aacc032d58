using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// BouncyCastle's view of the appliance as a WebRTC DTLS server: DTLS 1.2 only, ECDHE-ECDSA AEAD suites,
/// a mandatory client certificate pinned by SHA-256 fingerprint, use_srtp negotiated from our preference
/// list, and the SRTP keying material exported in <see cref="NotifyHandshakeComplete"/>: BouncyCastle refuses an
/// export anywhere else ("only available from NotifyHandshakeComplete()") and clears the master secret when
/// Accept returns.
/// </summary>
internal sealed class WebRtcTlsServer : AbstractTlsServer
{
    private readonly IReadOnlyList<int> _preferredProfiles;

    internal WebRtcTlsServer(WebRtcTlsEndpoint endpoint, IReadOnlyList<int> preferredProfiles)
        : base(endpoint.Crypto)
    {
        Endpoint = endpoint;
        _preferredProfiles = preferredProfiles;
    }

    /// <summary>What the server shares with the client: the outcome of the handshake and the peer's close_notify.</summary>
    internal WebRtcTlsEndpoint Endpoint { get; }

    public override int GetHandshakeTimeoutMillis() => Endpoint.HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => Endpoint.HandshakeResendTimeMillis;

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
                    Endpoint.SelectedProfile = profile;
                    return;
                }
            }
        }

        // RFC 5764 section 4.1.2 would let the handshake go on without SRTP; WebRTC media has no use for that.
        throw Endpoint.Refuse(DtlsHandshakeFailure.NoCommonSrtpProfile, AlertDescription.handshake_failure, "No common SRTP protection profile");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        // No MKI: WebRTC never uses one, and an empty srtp_mki tells the client so (RFC 5764 section 4.1.1).
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([Endpoint.SelectedProfile], []));
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

        return Endpoint.CreateSigner(m_context, signatureAlgorithm);
    }

    public override CertificateRequest GetCertificateRequest()
    {
        // WebRTC endpoints authenticate with self-signed certificates, so no certificate authorities are named.
        short[] certificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        var signatureAlgorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return new CertificateRequest(certificateTypes, signatureAlgorithms, new List<X509Name>());
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        Endpoint.CheckPeerCertificate(
            clientCertificate,
            DtlsHandshakeFailure.NoClientCertificate,
            "The client sent no certificate",
            "Client certificate fingerprint does not match the SDP");

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Endpoint.ExportKeyingMaterial(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => Endpoint.NotifyAlertReceived(alertDescription);

    protected override int[] GetSupportedCipherSuites() => WebRtcTlsEndpoint.SupportedCipherSuites();

    protected override ProtocolVersion[] GetSupportedVersions() => WebRtcTlsEndpoint.SupportedVersions();
}
