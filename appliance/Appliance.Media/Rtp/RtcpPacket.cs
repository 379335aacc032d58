using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).</summary>
public enum RtcpPacketType
{
    /// <summary>SR, sender report.</summary>
    SenderReport = 200,

    /// <summary>RR, receiver report.</summary>
    ReceiverReport = 201,

    /// <summary>SDES, source description.</summary>
    SourceDescription = 202,

    /// <summary>BYE, goodbye.</summary>
    Goodbye = 203,

    /// <summary>APP, application-defined.</summary>
    ApplicationDefined = 204,

    /// <summary>RTPFB, transport-layer feedback (generic NACK, TWCC).</summary>
    TransportFeedback = 205,

    /// <summary>PSFB, payload-specific feedback (PLI, FIR, REMB).</summary>
    PayloadSpecificFeedback = 206,
}

/// <summary>Why an RTCP compound packet was refused.</summary>
public enum RtcpParseResult
{
    /// <summary>Well-formed so far.</summary>
    Ok,

    /// <summary>Fewer than 4 bytes where a packet header should be, or an empty compound packet.</summary>
    TooShort,

    /// <summary>The version is not 2.</summary>
    BadVersion,

    /// <summary>A packet's length field runs past the end of the compound packet.</summary>
    LengthOverrun,

    /// <summary>A padding count of 0, or larger than the packet.</summary>
    BadPadding,

    /// <summary>Padding on a packet that is not the last of the compound (RFC 3550 §6.4.1).</summary>
    PaddingNotLast,
}

/// <summary>One RTCP packet of a compound packet: its common header and body.</summary>
public readonly ref struct RtcpPacket
{
    internal RtcpPacket(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> body)
    {
        Bytes = bytes;
        Body = body;
    }

    /// <summary>The packet type (200 SR to 206 PSFB, or another value).</summary>
    public RtcpPacketType Type => (RtcpPacketType)Bytes[1];

    /// <summary>The 5-bit count field: report count, source count, or feedback message type (FMT).</summary>
    public int Count => Bytes[0] & 0x1F;

    /// <summary>Whether this packet carries padding.</summary>
    public bool HasPadding => (Bytes[0] & 0x20) != 0;

    /// <summary>The whole packet, header and padding included.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The packet after its 4-byte common header, without padding.</summary>
    public ReadOnlySpan<byte> Body { get; }
}

/// <summary>
/// Walks the packets of an RTCP compound packet (RFC 3550 §6.1), checking each header, length and padding.
/// Reduced-size RTCP (RFC 5506) is accepted: the first packet need not be a report. No allocation.
/// </summary>
/// <example><code>
/// var reader = new RtcpCompoundReader(datagram);
/// while (reader.TryReadNext(out var packet)) { ... }
/// if (reader.Result != RtcpParseResult.Ok) { /* drop the rest */ }
/// </code></example>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _compound;
    private int _position;

    /// <summary>A reader at the start of <paramref name="compound"/>.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> compound)
    {
        _compound = compound;
        _position = 0;
        Result = compound.IsEmpty ? RtcpParseResult.TooShort : RtcpParseResult.Ok;
    }

    /// <summary>Ok, or why reading stopped early. Packets read before an error were well-formed.</summary>
    public RtcpParseResult Result { get; private set; }

    /// <summary>Reads the next packet; false at the end or at the first malformed packet (see <see cref="Result"/>).</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (Result != RtcpParseResult.Ok || _position >= _compound.Length)
        {
            return false;
        }

        var remaining = _compound[_position..];
        var error = Check(remaining, out var length, out var bodyEnd);
        if (error == RtcpParseResult.Ok && bodyEnd != length && length != remaining.Length)
        {
            error = RtcpParseResult.PaddingNotLast;
        }

        if (error != RtcpParseResult.Ok)
        {
            Result = error;
            _position = _compound.Length;
            return false;
        }

        packet = new RtcpPacket(remaining[..length], remaining[4..bodyEnd]);
        _position += length;
        return true;
    }

    /// <summary>Checks a whole compound packet.</summary>
    public static RtcpParseResult Validate(ReadOnlySpan<byte> compound)
    {
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out _))
        {
        }

        return reader.Result;
    }

    private static RtcpParseResult Check(ReadOnlySpan<byte> remaining, out int length, out int bodyEnd)
    {
        length = 0;
        bodyEnd = 0;
        if (remaining.Length < 4)
        {
            return RtcpParseResult.TooShort;
        }

        if (remaining[0] >> 6 != 2)
        {
            return RtcpParseResult.BadVersion;
        }

        length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(remaining[2..]) + 1);
        if (length > remaining.Length)
        {
            return RtcpParseResult.LengthOverrun;
        }

        bodyEnd = length;
        if ((remaining[0] & 0x20) != 0)
        {
            var padding = remaining[length - 1];
            if (padding == 0 || padding > length - 4)
            {
                return RtcpParseResult.BadPadding;
            }

            bodyEnd = length - padding;
        }

        return RtcpParseResult.Ok;
    }
}
