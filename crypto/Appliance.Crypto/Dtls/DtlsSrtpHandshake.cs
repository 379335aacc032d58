using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// What <see cref="DtlsSrtpServer.Accept(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, DtlsServerOptions, CancellationToken)"/>
/// and <see cref="DtlsSrtpClient.Connect(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, DtlsServerOptions, CancellationToken)"/>
/// share: checking the arguments, running BouncyCastle's handshake over the channel, and mapping its
/// exceptions to <see cref="DtlsHandshakeException"/> and <see cref="OperationCanceledException"/>.
/// </summary>
internal static class DtlsSrtpHandshake
{
    // run: our side's handshake (server or client) with the endpoint and the validated profiles.
    internal static DtlsSession Run(
        DtlsIdentity identity,
        IDatagramChannel channel,
        string expectedRemoteFingerprint,
        string fingerprintParameter,
        IReadOnlyList<int> profiles,
        string profilesParameter,
        DtlsServerOptions options,
        Func<WebRtcTlsEndpoint, int[], ChannelDatagramTransport, DtlsTransport> run,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(profiles, profilesParameter);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var expectedFingerprint = DtlsHandshakeFailures.ParseFingerprint(expectedRemoteFingerprint, fingerprintParameter);
        var validProfiles = DtlsHandshakeFailures.ValidateProfiles(profiles, profilesParameter);
        if (channel.MaxDatagramSize < 256)
        {
            throw new ArgumentException("The channel's datagrams are too small for a DTLS handshake.", nameof(channel));
        }

        // Fail before any datagram moves rather than with an internal_error in the middle of the handshake.
        _ = identity.PrivateKey;
        cancellationToken.ThrowIfCancellationRequested();

        var transport = new ChannelDatagramTransport(channel) { HandshakeCancellation = cancellationToken };
        var endpoint = new WebRtcTlsEndpoint(new BcTlsCrypto(), identity, expectedFingerprint, options);
        DtlsTransport dtls;
        try
        {
            dtls = run(endpoint, validProfiles, transport);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException)
        {
            // BouncyCastle has already sent the fatal alert (if it had a peer to send it to) and closed the transport.
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The DTLS handshake was cancelled.", ex, cancellationToken);
            }

            throw DtlsHandshakeFailures.Describe(ex, endpoint.Failure);
        }
        finally
        {
            transport.HandshakeCancellation = CancellationToken.None;
        }

        if (endpoint.KeyingMaterial is null || endpoint.RemoteFingerprint is null)
        {
            // BouncyCastle completed without calling back as it must; no keys means no session.
            dtls.Close();
            throw new DtlsHandshakeException(DtlsHandshakeFailure.ProtocolError, "The handshake completed without SRTP keying material.");
        }

        return new DtlsSession(dtls, transport, endpoint, new DtlsSrtpResult(endpoint.SelectedProfile, endpoint.KeyingMaterial, endpoint.RemoteFingerprint));
    }
}
