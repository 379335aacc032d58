using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>
/// Writes single RTCP packets into a caller's buffer, for appending into a compound packet before SRTCP
/// protection. Each method returns false, writing nothing useful, when the buffer is too small or an
/// argument cannot be encoded; <c>written</c> is then 0.
/// </summary>
public static class RtcpWriter
{
    /// <summary>At most 31 report blocks fit the 5-bit count.</summary>
    public const int MaxReportBlocks = 31;

    /// <summary>Writes an RR (RFC 3550 §6.4.2) from <paramref name="senderSsrc"/> with up to 31 blocks.</summary>
    public static bool TryWriteReceiverReport(
        Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        written = 0;
        var length = 8 + (blocks.Length * RtcpReportBlock.Length);
        if (blocks.Length > MaxReportBlocks || destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        WriteBlocks(destination[8..], blocks);
        written = length;
        return true;
    }

    /// <summary>Writes an SR (RFC 3550 §6.4.1) with up to 31 blocks.</summary>
    public static bool TryWriteSenderReport(
        Span<byte> destination,
        uint ssrc,
        ulong ntpTimestamp,
        uint rtpTimestamp,
        uint packetCount,
        uint octetCount,
        ReadOnlySpan<RtcpReportBlock> blocks,
        out int written)
    {
        written = 0;
        var length = 28 + (blocks.Length * RtcpReportBlock.Length);
        if (blocks.Length > MaxReportBlocks || destination.Length < length)
        {
            return false;
        }

        WriteHeader(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        WriteBlocks(destination[28..], blocks);
        written = length;
        return true;
    }

    /// <summary>Writes a PLI (RFC 4585 §6.3.1): 12 bytes.</summary>
    public static bool TryWritePictureLossIndication(Span<byte> destination, uint senderSsrc, uint mediaSsrc, out int written)
    {
        written = 0;
        if (destination.Length < 12)
        {
            return false;
        }

        WriteHeader(destination, RtcpFeedbackFormat.PictureLossIndication, RtcpPacketType.PayloadSpecificFeedback, 12);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        written = 12;
        return true;
    }

    /// <summary>
    /// Writes a FIR (RFC 5104 §4.3.1) asking <paramref name="mediaSsrc"/> for a decoder refresh: 20 bytes.
    /// The common header's media SSRC is 0 as §4.3.1.2 requires; the target is in the FCI.
    /// Increase <paramref name="sequenceNumber"/> for each new request, repeat it for a retransmission.
    /// </summary>
    public static bool TryWriteFullIntraRequest(
        Span<byte> destination, uint senderSsrc, uint mediaSsrc, byte sequenceNumber, out int written)
    {
        written = 0;
        if (destination.Length < 20)
        {
            return false;
        }

        WriteHeader(destination, RtcpFeedbackFormat.FullIntraRequest, RtcpPacketType.PayloadSpecificFeedback, 20);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], mediaSsrc);
        destination[16] = sequenceNumber;
        destination.Slice(17, 3).Clear();
        written = 20;
        return true;
    }

    /// <summary>
    /// Writes a generic NACK (RFC 4585 §6.2.1) for <paramref name="lostSequenceNumbers"/>, packed into PID/BLP
    /// pairs. Any order is correct; ascending order (modulo 2^16) packs tightest. Duplicates are harmless.
    /// </summary>
    public static bool TryWriteNack(
        Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers, out int written)
    {
        written = 0;
        if (lostSequenceNumbers.IsEmpty || destination.Length < 16)
        {
            return false;
        }

        var length = 12;
        var pid = lostSequenceNumbers[0];
        var blp = 0;
        for (var i = 1; i < lostSequenceNumbers.Length; i++)
        {
            var distance = (ushort)(lostSequenceNumbers[i] - pid);
            if (distance == 0)
            {
                continue;
            }

            if (distance <= 16)
            {
                blp |= 1 << (distance - 1);
                continue;
            }

            if (!TryWritePair(destination, ref length, pid, blp))
            {
                return false;
            }

            pid = lostSequenceNumbers[i];
            blp = 0;
        }

        if (!TryWritePair(destination, ref length, pid, blp) || length > 4 * (ushort.MaxValue + 1))
        {
            return false;
        }

        WriteHeader(destination, RtcpFeedbackFormat.GenericNack, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        written = length;
        return true;
    }

    private static bool TryWritePair(Span<byte> destination, ref int length, ushort pid, int blp)
    {
        if (destination.Length - length < 4)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], pid);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 2)..], (ushort)blp);
        length += 4;
        return true;
    }

    private static void WriteBlocks(Span<byte> destination, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(i * RtcpReportBlock.Length)..]);
        }
    }

    // Version 2, no padding, the count or FMT, the type, and the length in 32-bit words minus one.
    private static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int length)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }
}
