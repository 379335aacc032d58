using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>
/// Rewrites fields of an RTP header in place, as the forwarder does when it sends a stream to a subscriber
/// under that subscriber's SSRC, sequence and timestamp space. The rest of the packet is untouched.
/// </summary>
public static class RtpHeaderWriter
{
    /// <summary>Sets SSRC, sequence number and timestamp. False when this is not an RTP version 2 header.</summary>
    public static bool TryRewrite(Span<byte> packet, uint ssrc, ushort sequenceNumber, uint timestamp)
    {
        if (!IsRtpHeader(packet))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
        return true;
    }

    /// <summary>Sets the payload type (0 to 127) and the marker bit. False when this is not an RTP header.</summary>
    public static bool TrySetPayloadType(Span<byte> packet, int payloadType, bool marker)
    {
        if (!IsRtpHeader(packet) || (uint)payloadType > 127)
        {
            return false;
        }

        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        return true;
    }

    private static bool IsRtpHeader(ReadOnlySpan<byte> packet) =>
        packet.Length >= RtpHeader.FixedHeaderLength && packet[0] >> 6 == 2;
}
