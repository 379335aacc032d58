using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>Feedback message types (FMT) the forwarder acts on (RFC 4585 §6, RFC 5104 §4.3).</summary>
public static class RtcpFeedbackFormat
{
    /// <summary>RTPFB FMT 1: generic NACK (RFC 4585 §6.2.1).</summary>
    public const int GenericNack = 1;

    /// <summary>PSFB FMT 1: picture loss indication (RFC 4585 §6.3.1).</summary>
    public const int PictureLossIndication = 1;

    /// <summary>PSFB FMT 4: full intra request (RFC 5104 §4.3.1).</summary>
    public const int FullIntraRequest = 4;

    /// <summary>PSFB FMT 15: application layer feedback, here REMB (draft-alvestrand-rmcat-remb).</summary>
    public const int ApplicationLayer = 15;
}

/// <summary>
/// A generic NACK (RFC 4585 §6.2.1): the media sender's lost packets as PID/BLP pairs. Enumerate it to get
/// every lost sequence number, without allocating.
/// </summary>
public readonly ref struct RtcpGenericNack
{
    private readonly ReadOnlySpan<byte> _fci;

    private RtcpGenericNack(ReadOnlySpan<byte> body)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        MediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        _fci = body[8..];
    }

    /// <summary>Who sends the feedback.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The stream whose packets were lost.</summary>
    public uint MediaSsrc { get; }

    /// <summary>How many PID/BLP pairs the packet carries.</summary>
    public int EntryCount => _fci.Length / 4;

    /// <summary>The lost sequence numbers: each PID, then PID + i + 1 for every bit i set in its BLP.</summary>
    public NackSequenceEnumerator GetEnumerator() => new(_fci);

    /// <summary>Reads a generic NACK; false for other packets or an FCI that is empty or not whole pairs.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpGenericNack nack)
    {
        nack = default;
        var body = packet.Body;
        if (packet.Type != RtcpPacketType.TransportFeedback || packet.Count != RtcpFeedbackFormat.GenericNack
            || body.Length < 12 || (body.Length - 8) % 4 != 0)
        {
            return false;
        }

        nack = new RtcpGenericNack(body);
        return true;
    }
}

/// <summary>Yields the lost sequence numbers of a generic NACK in packet order.</summary>
public ref struct NackSequenceEnumerator
{
    private readonly ReadOnlySpan<byte> _fci;
    private int _entry;

    // -1: the PID itself is next; 0 to 15: the BLP bit to look at next.
    private int _bit;
    private ushort _pid;
    private ushort _blp;

    internal NackSequenceEnumerator(ReadOnlySpan<byte> fci)
    {
        _fci = fci;
        _entry = -1;
        _bit = 16;
        _pid = 0;
        _blp = 0;
        Current = 0;
    }

    /// <summary>The current lost sequence number.</summary>
    public ushort Current { get; private set; }

    /// <summary>Moves to the next lost sequence number.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            if (_bit == -1)
            {
                Current = _pid;
                _bit = 0;
                return true;
            }

            while (_bit < 16)
            {
                var bit = _bit++;
                if ((_blp & (1 << bit)) != 0)
                {
                    Current = unchecked((ushort)(_pid + bit + 1));
                    return true;
                }
            }

            _entry++;
            if (4 * (_entry + 1) > _fci.Length)
            {
                return false;
            }

            _pid = BinaryPrimitives.ReadUInt16BigEndian(_fci[(4 * _entry)..]);
            _blp = BinaryPrimitives.ReadUInt16BigEndian(_fci[((4 * _entry) + 2)..]);
            _bit = -1;
        }
    }
}

/// <summary>A picture loss indication (RFC 4585 §6.3.1): the receiver wants a key frame of <see cref="MediaSsrc"/>.</summary>
public readonly ref struct RtcpPictureLossIndication
{
    private RtcpPictureLossIndication(uint senderSsrc, uint mediaSsrc)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
    }

    /// <summary>Who asks.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The stream that needs a key frame.</summary>
    public uint MediaSsrc { get; }

    /// <summary>Reads a PLI; false for other packets.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpPictureLossIndication pli)
    {
        pli = default;
        var body = packet.Body;
        if (packet.Type != RtcpPacketType.PayloadSpecificFeedback || packet.Count != RtcpFeedbackFormat.PictureLossIndication
            || body.Length < 8)
        {
            return false;
        }

        pli = new RtcpPictureLossIndication(
            BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
        return true;
    }
}

/// <summary>One FCI entry of a FIR: the stream asked for a decoder refresh and the request's sequence number.</summary>
/// <param name="Ssrc">The media sender asked to send a key frame.</param>
/// <param name="SequenceNumber">The command sequence number; a repeat of the same number is the same request.</param>
public readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber);

/// <summary>A full intra request (RFC 5104 §4.3.1): one or more streams asked for a decoder refresh point.</summary>
public readonly ref struct RtcpFullIntraRequest
{
    private readonly ReadOnlySpan<byte> _fci;

    private RtcpFullIntraRequest(ReadOnlySpan<byte> body)
    {
        SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        _fci = body[8..];
    }

    /// <summary>Who asks.</summary>
    public uint SenderSsrc { get; }

    /// <summary>How many streams are asked.</summary>
    public int EntryCount => _fci.Length / 8;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public RtcpFirEntry GetEntry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntryCount);
        var entry = _fci[(8 * index)..];
        return new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
    }

    /// <summary>Reads a FIR; false for other packets, or an FCI that is empty or not whole 8-byte entries.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpFullIntraRequest fir)
    {
        fir = default;
        var body = packet.Body;
        if (packet.Type != RtcpPacketType.PayloadSpecificFeedback || packet.Count != RtcpFeedbackFormat.FullIntraRequest
            || body.Length < 16 || (body.Length - 8) % 8 != 0)
        {
            return false;
        }

        fir = new RtcpFullIntraRequest(body);
        return true;
    }
}

/// <summary>
/// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb §2.2): a PSFB application-layer message
/// with the identifier "REMB", a bitrate as 6-bit exponent and 18-bit mantissa, and the streams it covers.
/// </summary>
public readonly ref struct RtcpRemb
{
    private readonly ReadOnlySpan<byte> _ssrcs;

    private RtcpRemb(uint senderSsrc, ulong bitrate, ReadOnlySpan<byte> ssrcs)
    {
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        _ssrcs = ssrcs;
    }

    /// <summary>Who estimates.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The estimate in bits per second (saturates at <see cref="ulong.MaxValue"/>).</summary>
    public ulong Bitrate { get; }

    /// <summary>How many streams the estimate covers.</summary>
    public int SsrcCount => _ssrcs.Length / 4;

    /// <summary>The stream at <paramref name="index"/>.</summary>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_ssrcs[(4 * index)..]);
    }

    /// <summary>Reads a REMB; false for other packets or when its SSRC count does not fit.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpRemb remb)
    {
        remb = default;
        var body = packet.Body;
        if (packet.Type != RtcpPacketType.PayloadSpecificFeedback || packet.Count != RtcpFeedbackFormat.ApplicationLayer
            || body.Length < 16 || !body.Slice(8, 4).SequenceEqual("REMB"u8))
        {
            return false;
        }

        var count = body[12];
        if (body.Length - 16 < 4 * count)
        {
            return false;
        }

        var exponent = body[13] >> 2;
        var mantissa = ((ulong)(body[13] & 0x03) << 16) | ((ulong)body[14] << 8) | body[15];

        // An 18-bit mantissa shifted by up to 63 can overflow; clamp rather than wrap.
        var bitrate = mantissa == 0 ? 0 : exponent > 46 ? ulong.MaxValue : mantissa << exponent;
        remb = new RtcpRemb(BinaryPrimitives.ReadUInt32BigEndian(body), bitrate, body.Slice(16, 4 * count));
        return true;
    }
}
