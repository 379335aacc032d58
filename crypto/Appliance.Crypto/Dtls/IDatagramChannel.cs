namespace Appliance.Crypto.Dtls;

/// <summary>
/// The datagram path between the DTLS server and one remote peer, supplied by the media plane: DTLS records
/// from that peer (RFC 7983: first byte 20 to 63) arrive through <see cref="Receive"/>, and the server's
/// records leave through <see cref="Send"/> to that peer's address.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Receive"/> is called from one thread at a time (the peer's DTLS worker). <see cref="Send"/>
/// may be called from that thread and, through <see cref="DtlsSession.Close"/>, from another one, so it
/// must be thread-safe; a send on a UDP socket is.
/// </para>
/// <para>
/// The channel belongs to the media plane: the DTLS server never closes or disposes it. A datagram that no
/// longer fits <c>buffer</c> in <see cref="Receive"/> may be dropped or truncated; the DTLS layer discards
/// what does not parse.
/// </para>
/// </remarks>
public interface IDatagramChannel
{
    /// <summary>
    /// The largest datagram the server may send (the path MTU less IP and UDP headers, e.g. 1200).
    /// Handshake messages are fragmented to fit.
    /// </summary>
    int MaxDatagramSize { get; }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> milliseconds for the next datagram from the peer and copies it
    /// into <paramref name="buffer"/>.
    /// </summary>
    /// <returns>
    /// The datagram's length; -1 if none arrived in time; 0 once the channel is closed (throwing
    /// <see cref="ObjectDisposedException"/> or <see cref="InvalidOperationException"/> means the same).
    /// Because 0 means closed, the channel never delivers an empty datagram; the demultiplexer cannot
    /// classify one anyway.
    /// </returns>
    int Receive(Span<byte> buffer, int timeoutMs);

    /// <summary>Sends one datagram to the peer. Loss is fine: DTLS retransmits.</summary>
    void Send(ReadOnlySpan<byte> datagram);
}
