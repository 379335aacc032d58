using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

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
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(offeredProfiles);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var expectedFingerprint = DtlsHandshakeFailures.ParseFingerprint(expectedServerFingerprint, nameof(expectedServerFingerprint));
        var profiles = DtlsHandshakeFailures.ValidateProfiles(offeredProfiles, nameof(offeredProfiles));
        if (channel.MaxDatagramSize < 256)
        {
            throw new ArgumentException("The channel's datagrams are too small for a DTLS handshake.", nameof(channel));
        }

        _ = identity.PrivateKey;
        cancellationToken.ThrowIfCancellationRequested();

        var transport = new ChannelDatagramTransport(channel) { HandshakeCancellation = cancellationToken };
        var client = new WebRtcTlsClient(new WebRtcTlsEndpoint(new BcTlsCrypto(), identity, expectedFingerprint, options), profiles);
        DtlsTransport dtls;
        try
        {
            dtls = new DtlsClientProtocol().Connect(client, transport);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The DTLS handshake was cancelled.", ex, cancellationToken);
            }

            throw DtlsHandshakeFailures.Describe(ex, client.Endpoint.Failure);
        }
        finally
        {
            transport.HandshakeCancellation = CancellationToken.None;
        }

        var endpoint = client.Endpoint;
        if (endpoint.KeyingMaterial is null || endpoint.RemoteFingerprint is null)
        {
            dtls.Close();
            throw new DtlsHandshakeException(DtlsHandshakeFailure.ProtocolError, "The handshake completed without SRTP keying material.");
        }

        return new DtlsSession(dtls, transport, endpoint, new DtlsSrtpResult(endpoint.SelectedProfile, endpoint.KeyingMaterial, endpoint.RemoteFingerprint));
    }
}
