using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// The DTLS 1.2 client side of DTLS-SRTP (RFC 5763, RFC 5764), as a browser runs it with a=setup:active: for
/// the media plane's test endpoint and the load generator, which connect to the appliance like a browser does.
/// It authenticates with a <see cref="DtlsIdentity"/>, pins the server's certificate by the fingerprint from
/// the server's SDP, offers use_srtp and exports the SRTP keying material.
/// </summary>
/// <remarks>
/// The counterpart of <see cref="DtlsSrtpServer"/>, with the same exceptions and the same <see cref="DtlsSession"/>:
/// after the handshake, call <see cref="DtlsSession.Serve"/> on the same worker to notice the server's
/// close_notify, and <see cref="DtlsSession.Close"/> to leave. Split the keying material with
/// <c>SrtpKeys.FromDtlsExport(..., isServer: false)</c>.
/// </remarks>
public static class DtlsSrtpClient
{
    /// <summary>Runs the handshake with <see cref="DtlsServerOptions.Default"/> timing.</summary>
    /// <inheritdoc cref="Connect(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, DtlsServerOptions, CancellationToken)"/>
    public static DtlsSession Connect(DtlsIdentity identity, IDatagramChannel channel, string expectedServerFingerprint, IReadOnlyList<int> offeredProfiles, CancellationToken cancellationToken) =>
        Connect(identity, channel, expectedServerFingerprint, offeredProfiles, DtlsServerOptions.Default, cancellationToken);

    /// <summary>
    /// Runs the DTLS 1.2 handshake as client over <paramref name="channel"/> and returns the established session.
    /// Blocks until the handshake completes, fails, times out or is cancelled.
    /// </summary>
    /// <param name="identity">The client's certificate and key; its fingerprint went to the server in the client's SDP.</param>
    /// <param name="channel">The datagram path to the server.</param>
    /// <param name="expectedServerFingerprint">
    /// The SHA-256 fingerprint from the server's SDP, without the "sha-256 " prefix: hex pairs joined by ':', either case.
    /// </param>
    /// <param name="offeredProfiles">
    /// SRTP protection profiles (<see cref="DtlsSrtpProfiles"/>) to offer in use_srtp, in the client's order of
    /// preference; the server picks by its own preference. Usually <see cref="DtlsSrtpProfiles.Preferred"/>.
    /// </param>
    /// <param name="options">Handshake timing: the deadline and the first retransmission of the ClientHello.</param>
    /// <param name="cancellationToken">Aborts the handshake (within about 100 ms) with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="DtlsHandshakeException">
    /// The handshake failed: <see cref="DtlsHandshakeFailure.FingerprintMismatch"/> when the server's certificate is
    /// not the expected one (the server was sent bad_certificate), <see cref="DtlsHandshakeFailure.PeerAlert"/> when
    /// the server refused us (e.g. bad_certificate because our fingerprint is not the one it expects),
    /// <see cref="DtlsHandshakeFailure.NoCommonSrtpProfile"/>, <see cref="DtlsHandshakeFailure.TimedOut"/>, ...
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="ArgumentException">The fingerprint is malformed, or a profile is unknown.</exception>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    public static DtlsSession Connect(DtlsIdentity identity, IDatagramChannel channel, string expectedServerFingerprint, IReadOnlyList<int> offeredProfiles, DtlsServerOptions options, CancellationToken cancellationToken)
        => DtlsSrtpHandshake.Run(
            identity,
            channel,
            expectedServerFingerprint,
            nameof(expectedServerFingerprint),
            offeredProfiles,
            nameof(offeredProfiles),
            options,
            (endpoint, profiles, transport) => new DtlsClientProtocol().Connect(new WebRtcTlsClient(endpoint, profiles), transport),
            cancellationToken);
}
