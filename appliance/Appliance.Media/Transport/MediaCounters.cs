namespace Appliance.Media.Transport;

/// <summary>
/// What the media server counts, per server and per peer. A datagram that is not delivered is counted under
/// exactly one reason. Names are meant to map one to one onto metrics.
/// </summary>
public enum MediaCounter
{
    /// <summary>Datagrams read from the socket (the server's own wake-ups excluded).</summary>
    DatagramsReceived,

    /// <summary>Bytes of those datagrams.</summary>
    BytesReceived,

    /// <summary>STUN datagrams (RFC 7983 first byte 0 to 3) handed to ICE.</summary>
    StunReceived,

    /// <summary>Valid checks answered with a Binding success response (consent refreshed).</summary>
    StunSuccessResponses,

    /// <summary>Checks answered with an error: 400, 401 (unknown ufrag, wrong password), 420, 487.</summary>
    StunErrorResponses,

    /// <summary>STUN datagrams dropped unanswered: unparseable, no valid FINGERPRINT, or not a request.</summary>
    StunDropped,

    /// <summary>DTLS datagrams queued for a peer's DTLS worker.</summary>
    DtlsReceived,

    /// <summary>DTLS datagrams dropped because the peer's DTLS queue was full or closed.</summary>
    DtlsDropped,

    /// <summary>DTLS handshakes that ended with SRTP keys.</summary>
    DtlsHandshakesSucceeded,

    /// <summary>DTLS handshakes that failed (wrong fingerprint, timeout, no common profile, ...).</summary>
    DtlsHandshakesFailed,

    /// <summary>SRTP packets authenticated, decrypted and given to the handler.</summary>
    RtpReceived,

    /// <summary>SRTCP packets authenticated, decrypted and given to the handler.</summary>
    RtcpReceived,

    /// <summary>RTP packets protected and sent (forwarded) to a peer.</summary>
    RtpSent,

    /// <summary>RTCP packets protected and sent to a peer.</summary>
    RtcpSent,

    /// <summary>Bytes of SRTP and SRTCP sent.</summary>
    BytesSent,

    /// <summary>SRTP/SRTCP packets whose authentication tag did not verify: forged, corrupted, or under another key.</summary>
    SrtpAuthenticationFailures,

    /// <summary>SRTP/SRTCP packets replayed or too old for the replay window.</summary>
    SrtpReplays,

    /// <summary>SRTP/SRTCP packets too short or not RTP/RTCP version 2.</summary>
    SrtpMalformed,

    /// <summary>SRTP/SRTCP packets for a new SSRC past the per-peer stream limit.</summary>
    SrtpStreamLimitReached,

    /// <summary>Non-STUN datagrams from an address no valid ICE check came from.</summary>
    DroppedUnknownAddress,

    /// <summary>SRTP/SRTCP from a peer whose DTLS handshake has not finished.</summary>
    DroppedNotReady,

    /// <summary>Datagrams that are none of STUN, DTLS, RTP and RTCP (RFC 7983), including empty ones.</summary>
    DroppedUnknownKind,

    /// <summary>Datagrams longer than <see cref="MediaServerOptions.MaxDatagramSize"/>.</summary>
    DroppedOversized,

    /// <summary>Sends to a peer that has no SRTP keys or no address yet, or has left.</summary>
    SendNotReady,

    /// <summary>Sends that failed: a packet SRTP refused (not RTP, too long, stream limit) or a socket error.</summary>
    SendFailures,

    /// <summary>Peers disconnected because their ICE consent expired.</summary>
    ConsentExpirations,

    /// <summary>Exceptions on the receive thread (a handler that threw, a bug); each costs one packet.</summary>
    UnexpectedErrors,

    /// <summary>Errors the socket reported on receive.</summary>
    ReceiveErrors,

    /// <summary>ICE-TCP connections accepted and waiting for their first frame (those refused at once are not counted here).</summary>
    TcpConnectionsAccepted,

    /// <summary>ICE-TCP connections whose first frame was a valid check: they now carry a peer's traffic.</summary>
    TcpConnectionsAuthenticated,

    /// <summary>ICE-TCP connections closed at once: too many pending, from their source or in all, or too many for their peer.</summary>
    TcpConnectionsRefused,

    /// <summary>ICE-TCP connections closed because the first frame was not a valid check (garbage, unknown ufrag, bad integrity).</summary>
    TcpConnectionsRejected,

    /// <summary>ICE-TCP connections closed for their RFC 4571 framing: a length of 0 or above the maximum, or a frame cut off.</summary>
    TcpFramingErrors,

    /// <summary>ICE-TCP connections closed because no valid check came within the authentication timeout.</summary>
    TcpAuthenticationTimeouts,

    /// <summary>Packets for an ICE-TCP connection dropped because its send buffer was full (a slow or stalled browser).</summary>
    TcpSendDropped,

    /// <summary>Of <see cref="TcpConnectionsRefused"/>, those whose source (IPv4 address, IPv6 /64) had its pending limit.</summary>
    TcpConnectionsRefusedFromSource,

    /// <summary>
    /// ICE-TCP connections closed (refused, rejected, timed out) beyond the 50 per 10 s reported to
    /// <see cref="MediaServerOptions.TcpConnectionRejected"/>: counted, not logged, so a flood is not a flood of log lines.
    /// </summary>
    TcpRejectionsUnreported,
}

/// <summary>A point-in-time copy of a set of <see cref="MediaCounter"/> values, e.g. for /metrics.</summary>
public sealed class MediaCounterSnapshot
{
    private readonly long[] _values;

    internal MediaCounterSnapshot(long[] values) => _values = values;

    /// <summary>The value of <paramref name="counter"/>.</summary>
    public long this[MediaCounter counter] => _values[(int)counter];

    /// <summary>Every counter, for exporters: <c>foreach (var c in MediaCounterSnapshot.All) metric[c] = snapshot[c];</c>.</summary>
    public static IReadOnlyList<MediaCounter> All { get; } = Enum.GetValues<MediaCounter>();

    /// <summary>The non-zero counters as "Name=value" pairs, for test failures and logs.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var counter in All)
        {
            if (this[counter] != 0)
            {
                parts.Add(FormattableString.Invariant($"{counter}={this[counter]}"));
            }
        }

        return string.Join(", ", parts);
    }
}

/// <summary>
/// Counter values with a single writer, the receive thread, so increments need no interlocked operation;
/// readers on other threads take <see cref="Snapshot"/>, which reads each value atomically (64-bit process).
/// </summary>
internal sealed class MediaCounterSet
{
    private static readonly int Count = MediaCounterSnapshot.All.Count;

    private readonly long[] _values = new long[Count];

    public void Increment(MediaCounter counter) => _values[(int)counter]++;

    public void Add(MediaCounter counter, long amount) => _values[(int)counter] += amount;

    public MediaCounterSnapshot Snapshot()
    {
        var copy = new long[_values.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _values[i]);
        }

        return new MediaCounterSnapshot(copy);
    }
}
