using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>
/// One reception report block of an SR or RR (RFC 3550 §6.4.1): what a receiver saw of one source.
/// </summary>
/// <param name="Ssrc">The source this block reports on.</param>
/// <param name="FractionLost">Packets lost since the last report, as a fraction of 256.</param>
/// <param name="CumulativeLost">Packets lost since the start (signed 24-bit: duplicates can make it negative).</param>
/// <param name="ExtendedHighestSequenceNumber">Highest sequence number received, with the cycle count above it.</param>
/// <param name="Jitter">Interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">Middle 32 bits of the NTP timestamp of the last SR from this source (LSR).</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR in 1/65536 s (DLSR).</param>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequenceNumber,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Length of a report block.</summary>
    public const int Length = 24;

    /// <summary>Reads a block from 24 bytes.</summary>
    public static RtcpReportBlock Read(ReadOnlySpan<byte> block)
    {
        // Sign-extend the 24-bit cumulative count.
        var cumulative = (int)(BinaryPrimitives.ReadUInt32BigEndian(block[4..]) << 8) >> 8;
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(block),
            block[4],
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(block[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[20..]));
    }

    /// <summary>Writes the block into 24 bytes; the cumulative count is clamped to 24 signed bits.</summary>
    public void Write(Span<byte> block)
    {
        BinaryPrimitives.WriteUInt32BigEndian(block, Ssrc);
        var cumulative = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(block[4..], ((uint)FractionLost << 24) | ((uint)cumulative & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(block[8..], ExtendedHighestSequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(block[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(block[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(block[20..], DelaySinceLastSenderReport);
    }
}

/// <summary>A sender report (RFC 3550 §6.4.1).</summary>
public readonly ref struct RtcpSenderReport
{
    private readonly ReadOnlySpan<byte> _blocks;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int count)
    {
        Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        NtpTimestamp = BinaryPrimitives.ReadUInt64BigEndian(body[4..]);
        RtpTimestamp = BinaryPrimitives.ReadUInt32BigEndian(body[12..]);
        PacketCount = BinaryPrimitives.ReadUInt32BigEndian(body[16..]);
        OctetCount = BinaryPrimitives.ReadUInt32BigEndian(body[20..]);
        _blocks = body.Slice(24, count * RtcpReportBlock.Length);
    }

    /// <summary>The sender.</summary>
    public uint Ssrc { get; }

    /// <summary>The 64-bit NTP wall-clock time of this report.</summary>
    public ulong NtpTimestamp { get; }

    /// <summary>The RTP timestamp that corresponds to <see cref="NtpTimestamp"/>.</summary>
    public uint RtpTimestamp { get; }

    /// <summary>Packets sent since the start.</summary>
    public uint PacketCount { get; }

    /// <summary>Payload octets sent since the start.</summary>
    public uint OctetCount { get; }

    /// <summary>How many report blocks follow.</summary>
    public int ReportBlockCount => _blocks.Length / RtcpReportBlock.Length;

    /// <summary>The report block at <paramref name="index"/>.</summary>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportBlockCount);
        return RtcpReportBlock.Read(_blocks[(index * RtcpReportBlock.Length)..]);
    }

    /// <summary>Reads an SR; false when <paramref name="packet"/> is not one or is too short for its count.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpSenderReport report)
    {
        report = default;
        if (packet.Type != RtcpPacketType.SenderReport || packet.Body.Length < 24 + (packet.Count * RtcpReportBlock.Length))
        {
            return false;
        }

        report = new RtcpSenderReport(packet.Body, packet.Count);
        return true;
    }
}

/// <summary>A receiver report (RFC 3550 §6.4.2).</summary>
public readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _blocks;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int count)
    {
        Ssrc = BinaryPrimitives.ReadUInt32BigEndian(body);
        _blocks = body.Slice(4, count * RtcpReportBlock.Length);
    }

    /// <summary>The reporting receiver.</summary>
    public uint Ssrc { get; }

    /// <summary>How many report blocks follow.</summary>
    public int ReportBlockCount => _blocks.Length / RtcpReportBlock.Length;

    /// <summary>The report block at <paramref name="index"/>.</summary>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportBlockCount);
        return RtcpReportBlock.Read(_blocks[(index * RtcpReportBlock.Length)..]);
    }

    /// <summary>Reads an RR; false when <paramref name="packet"/> is not one or is too short for its count.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpReceiverReport report)
    {
        report = default;
        if (packet.Type != RtcpPacketType.ReceiverReport || packet.Body.Length < 4 + (packet.Count * RtcpReportBlock.Length))
        {
            return false;
        }

        report = new RtcpReceiverReport(packet.Body, packet.Count);
        return true;
    }
}

/// <summary>A goodbye (RFC 3550 §6.6): sources that leave, and an optional reason.</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _sources;

    private RtcpGoodbye(ReadOnlySpan<byte> sources, ReadOnlySpan<byte> reason)
    {
        _sources = sources;
        Reason = reason;
    }

    /// <summary>How many sources leave.</summary>
    public int SourceCount => _sources.Length / 4;

    /// <summary>The reason for leaving (UTF-8), empty when none was given.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>The SSRC or CSRC at <paramref name="index"/>.</summary>
    public uint GetSource(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_sources[(4 * index)..]);
    }

    /// <summary>Reads a BYE; false when <paramref name="packet"/> is not one or its lengths do not fit.</summary>
    public static bool TryRead(in RtcpPacket packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        var body = packet.Body;
        var sourcesLength = 4 * packet.Count;
        if (packet.Type != RtcpPacketType.Goodbye || body.Length < sourcesLength)
        {
            return false;
        }

        var reason = ReadOnlySpan<byte>.Empty;
        var rest = body[sourcesLength..];
        if (!rest.IsEmpty)
        {
            if (rest[0] > rest.Length - 1)
            {
                return false;
            }

            reason = rest.Slice(1, rest[0]);
        }

        goodbye = new RtcpGoodbye(body[..sourcesLength], reason);
        return true;
    }
}
