using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// The DTLS 1.2 server side of DTLS-SRTP for WebRTC (RFC 5763, RFC 5764, RFC 8827): authenticates the peer
/// by the certificate fingerprint from its SDP, negotiates the SRTP protection profile and exports the SRTP
/// keying material.
/// </summary>
/// <remarks>
/// <para>How the media plane calls it, per peer:</para>
/// <list type="number">
/// <item>The demultiplexer of the shared UDP socket (RFC 7983) puts every datagram whose first byte is 20 to 63
/// and whose source is the peer's nominated ICE address into that peer's bounded queue; the peer's
/// <see cref="IDatagramChannel"/> reads from that queue and sends through the shared socket.</item>
/// <item>When ICE has nominated the pair (the browser, as DTLS client, starts with its ClientHello), a worker
/// thread for the peer calls <see cref="Accept(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, CancellationToken)"/>
/// with the appliance's <see cref="DtlsIdentity"/> (whose fingerprint went into the SDP answer with
/// a=setup:passive) and the fingerprint from the browser's offer. The call blocks for the handshake only,
/// which ends within <see cref="DtlsServerOptions.HandshakeTimeout"/>.</item>
/// <item>With the returned <see cref="DtlsSession"/>'s <see cref="DtlsSession.Srtp"/>, the worker creates the SRTP
/// contexts and hands them to the forwarding path, then zeroes the keying material.</item>
/// <item>The worker then calls <see cref="DtlsSession.Serve"/>, which answers retransmitted handshake flights
/// and returns when the peer sends close_notify, the channel closes, or the worker's token is cancelled.
/// When the peer leaves, the media plane calls <see cref="DtlsSession.Close"/> and then closes the channel.</item>
/// </list>
/// <para>
/// A failed handshake throws <see cref="DtlsHandshakeException"/>: audit it and drop the peer's media. No
/// datagram, however malformed, throws anything else. No HelloVerifyRequest cookie is used: ICE's
/// connectivity checks have already proven that the peer owns its address.
/// </para>
/// </remarks>
public static class DtlsSrtpServer
{
    /// <summary>Runs the handshake with <see cref="DtlsServerOptions.Default"/> timing.</summary>
    /// <inheritdoc cref="Accept(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, DtlsServerOptions, CancellationToken)"/>
    public static DtlsSession Accept(DtlsIdentity identity, IDatagramChannel channel, string expectedRemoteFingerprint, IReadOnlyList<int> preferredProfiles, CancellationToken cancellationToken) =>
        Accept(identity, channel, expectedRemoteFingerprint, preferredProfiles, DtlsServerOptions.Default, cancellationToken);

    /// <summary>
    /// Runs the DTLS 1.2 handshake as server over <paramref name="channel"/> and returns the established session.
    /// Blocks until the handshake completes, fails, times out or is cancelled.
    /// </summary>
    /// <param name="identity">The appliance's certificate and key; its fingerprint is in the SDP the peer received.</param>
    /// <param name="channel">The peer's datagram path.</param>
    /// <param name="expectedRemoteFingerprint">
    /// The SHA-256 fingerprint from the peer's SDP (a=fingerprint:sha-256 ...), without the "sha-256 " prefix:
    /// hex pairs joined by ':', either case.
    /// </param>
    /// <param name="preferredProfiles">
    /// Acceptable SRTP protection profiles (<see cref="DtlsSrtpProfiles"/>), best first; the first one the peer
    /// offers is chosen, whatever the peer's order. Usually <see cref="DtlsSrtpProfiles.Preferred"/>.
    /// </param>
    /// <param name="options">Handshake timing.</param>
    /// <param name="cancellationToken">Aborts the handshake (within about 100 ms) with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="DtlsHandshakeException">The handshake failed; <see cref="DtlsHandshakeException.Reason"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="ArgumentException">The fingerprint is malformed, or a profile is unknown.</exception>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    public static DtlsSession Accept(DtlsIdentity identity, IDatagramChannel channel, string expectedRemoteFingerprint, IReadOnlyList<int> preferredProfiles, DtlsServerOptions options, CancellationToken cancellationToken)
        => DtlsSrtpHandshake.Run(
            identity,
            channel,
            expectedRemoteFingerprint,
            nameof(expectedRemoteFingerprint),
            preferredProfiles,
            nameof(preferredProfiles),
            options,
            (endpoint, profiles, transport) => new DtlsServerProtocol().Accept(new WebRtcTlsServer(endpoint, profiles), transport),
            cancellationToken);
}
