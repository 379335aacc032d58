using System.Buffers.Binary;

namespace Appliance.Crypto.Srtp;

/// <summary>Just enough of the RTP header (RFC 3550 §5.1, §5.3.1) to find the SSRC, sequence number and payload.</summary>
internal static class RtpHeader
{
    internal const int FixedLength = 12;
    internal const int RtcpHeaderLength = 8;

    /// <summary>
    /// Reads an RTP header of version 2 with its CSRC list and header extension; false if any of it does
    /// not fit in <paramref name="packet"/>.
    /// </summary>
    internal static bool TryRead(ReadOnlySpan<byte> packet, out int headerLength, out uint ssrc, out ushort sequenceNumber)
    {
        headerLength = 0;
        ssrc = 0;
        sequenceNumber = 0;
        if (packet.Length < FixedLength || !IsVersion2(packet[0]))
        {
            return false;
        }

        var length = FixedLength + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            // Extension header: 16-bit profile-defined value, then its length in 32-bit words.
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        return true;
    }

    /// <summary>Reads the sender SSRC of the first packet of an RTCP compound packet of version 2.</summary>
    internal static bool TryReadRtcp(ReadOnlySpan<byte> packet, out uint ssrc)
    {
        ssrc = 0;
        if (packet.Length < RtcpHeaderLength || !IsVersion2(packet[0]))
        {
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        return true;
    }

    private static bool IsVersion2(byte first) => first >> 6 == 2;
}
