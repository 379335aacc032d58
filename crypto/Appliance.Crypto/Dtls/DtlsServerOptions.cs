namespace Appliance.Crypto.Dtls;

/// <summary>
/// Timing of a DTLS handshake. Despite the name, <see cref="DtlsSrtpClient"/> takes the same options: the
/// handshake's deadline and first retransmission mean the same on both sides.
/// </summary>
public sealed record DtlsServerOptions
{
    /// <summary>The defaults: a 10-second handshake, first retransmission after 1 second (RFC 6347 section 4.2.4.1).</summary>
    public static DtlsServerOptions Default { get; } = new();

    /// <summary>
    /// The whole handshake, from the start of <see cref="DtlsSrtpServer.Accept(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, DtlsServerOptions, CancellationToken)"/>
    /// to the server's Finished, must end within this time or fails with <see cref="DtlsHandshakeFailure.TimedOut"/>.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the peer's next flight before resending ours; doubles with each resend.</summary>
    public TimeSpan InitialRetransmitTimeout { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        // BouncyCastle reads a zero handshake timeout as "never", which is exactly what must not happen.
        if (HandshakeTimeout < TimeSpan.FromMilliseconds(1) || HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "The handshake timeout must be between 1 ms and 5 minutes.");
        }

        if (InitialRetransmitTimeout < TimeSpan.FromMilliseconds(10) || InitialRetransmitTimeout > HandshakeTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialRetransmitTimeout), InitialRetransmitTimeout, "The retransmit timeout must be at least 10 ms and no longer than the handshake timeout.");
        }
    }
}
