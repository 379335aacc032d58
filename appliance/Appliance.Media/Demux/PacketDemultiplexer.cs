namespace Appliance.Media.Demux;

/// <summary>What a datagram on the shared media port is, by its first bytes.</summary>
public enum PacketKind
{
    /// <summary>None of the protocols we take on this port (ZRTP, TURN channel data, QUIC, empty, garbage).</summary>
    Unknown,

    /// <summary>STUN: first byte 0 to 3.</summary>
    Stun,

    /// <summary>DTLS: first byte 20 to 63.</summary>
    Dtls,

    /// <summary>RTP (SRTP): first byte 128 to 191 and a second byte that is not an RTCP packet type.</summary>
    Rtp,

    /// <summary>RTCP (SRTCP): first byte 128 to 191 and a second byte 192 to 223.</summary>
    Rtcp,
}

/// <summary>
/// Tells STUN, DTLS, RTP and RTCP apart on one port: RFC 7983 §7 by the first byte, then RTP from RTCP by the
/// second (RFC 5761 §4: RTCP packet types 192 to 223 are what RTP payload types 64 to 95 with the marker
/// bit set would look like, and those payload types are not used when RTP and RTCP share a port).
/// </summary>
public static class PacketDemultiplexer
{
    /// <summary>Classifies <paramref name="datagram"/>; looks at no more than its first two bytes.</summary>
    public static PacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        var first = datagram[0];
        if (first <= 3)
        {
            return PacketKind.Stun;
        }

        if (first is >= 20 and <= 63)
        {
            return PacketKind.Dtls;
        }

        if (first is >= 128 and <= 191)
        {
            if (datagram.Length < 2)
            {
                return PacketKind.Unknown;
            }

            return datagram[1] is >= 192 and <= 223 ? PacketKind.Rtcp : PacketKind.Rtp;
        }

        return PacketKind.Unknown;
    }
}
