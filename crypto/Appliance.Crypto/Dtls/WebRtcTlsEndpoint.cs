using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// What <see cref="WebRtcTlsClient"/> and <see cref="WebRtcTlsServer"/> share, held by each rather than inherited
/// because BouncyCastle gives them different base classes: our identity, the pinned peer fingerprint, the
/// handshake timing, the outcome (failure, profile, keying material, verified fingerprint) and the peer's
/// close_notify.
/// </summary>
internal sealed class WebRtcTlsEndpoint : IDtlsAlertObserver
{
    // What Chrome and Firefox offer for WebRTC, in the same order, on both sides.
    private static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private readonly DtlsIdentity _identity;
    private readonly byte[] _expectedFingerprint;
    private readonly DtlsServerOptions _options;

    private volatile bool _closeNotifyReceived;

    internal WebRtcTlsEndpoint(BcTlsCrypto crypto, DtlsIdentity identity, byte[] expectedFingerprint, DtlsServerOptions options)
    {
        Crypto = crypto;
        _identity = identity;
        _expectedFingerprint = expectedFingerprint;
        _options = options;
    }

    internal BcTlsCrypto Crypto { get; }

    /// <summary>Set when our side rejected the handshake for a reason of its own, before it raised the alert.</summary>
    internal DtlsHandshakeFailure? Failure { get; private set; }

    internal int SelectedProfile { get; set; }

    internal byte[]? KeyingMaterial { get; private set; }

    internal string? RemoteFingerprint { get; private set; }

    public bool CloseNotifyReceived => _closeNotifyReceived;

    internal int HandshakeTimeoutMillis => (int)Math.Ceiling(_options.HandshakeTimeout.TotalMilliseconds);

    internal int HandshakeResendTimeMillis => (int)Math.Ceiling(_options.InitialRetransmitTimeout.TotalMilliseconds);

    internal static int[] SupportedCipherSuites() => (int[])CipherSuites.Clone();

    internal static ProtocolVersion[] SupportedVersions() => ProtocolVersion.DTLSv12.Only();

    /// <summary>Records why our side refuses the handshake and returns the alert to throw.</summary>
    internal TlsFatalAlert Refuse(DtlsHandshakeFailure failure, short alertDescription, string message)
    {
        Failure = failure;
        return new TlsFatalAlert(alertDescription, message);
    }

    /// <summary>Checks the peer's end-entity certificate against the fingerprint from its SDP.</summary>
    internal void CheckPeerCertificate(Certificate? chain, DtlsHandshakeFailure whenMissing, string missingMessage, string mismatchMessage)
    {
        if (chain is null || chain.IsEmpty)
        {
            throw Refuse(whenMissing, AlertDescription.handshake_failure, missingMessage);
        }

        // The fingerprint covers the end-entity certificate, the first in the chain (RFC 8122 section 5).
        // BouncyCastle checks the peer's signature (ServerKeyExchange or CertificateVerify) against this
        // certificate's key afterwards.
        Span<byte> actual = stackalloc byte[CertificateFingerprint.Sha256Length];
        SHA256.HashData(chain.GetCertificateAt(0).GetEncoded(), actual);
        if (!CryptographicOperations.FixedTimeEquals(actual, _expectedFingerprint))
        {
            throw Refuse(DtlsHandshakeFailure.FingerprintMismatch, AlertDescription.bad_certificate, mismatchMessage);
        }

        RemoteFingerprint = CertificateFingerprint.Format(actual);
    }

    internal BcDefaultTlsCredentialedSigner CreateSigner(TlsContext context, SignatureAndHashAlgorithm signatureAlgorithm)
    {
        var certificate = new Certificate([Crypto.CreateCertificate(_identity.Certificate.GetEncoded())]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), Crypto, _identity.PrivateKey, certificate, signatureAlgorithm);
    }

    /// <summary>
    /// Exports the SRTP keying material; BouncyCastle allows it only from NotifyHandshakeComplete ("only available
    /// from NotifyHandshakeComplete()") and clears the master secret when the handshake returns.
    /// </summary>
    internal void ExportKeyingMaterial(TlsContext context) =>
        KeyingMaterial = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpProfiles.KeyingMaterialLength(SelectedProfile));

    internal void NotifyAlertReceived(short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            _closeNotifyReceived = true;
        }
    }
}
