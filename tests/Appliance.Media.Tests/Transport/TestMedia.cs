using System.Buffers.Binary;

namespace Appliance.Media.Tests.Transport;

/// <summary>Plaintext RTP and RTCP packets for the transport tests.</summary>
internal static class TestMedia
{
    public static byte[] Rtp(uint ssrc, ushort sequence, int payloadLength, byte fill)
    {
        var packet = new byte[12 + payloadLength];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 12; i < packet.Length; i++)
        {
            packet[i] = (byte)(fill + i);
        }

        packet[12] = fill;
        return packet;
    }

    /// <summary>A receiver report with no report blocks followed by a PLI: a small compound packet.</summary>
    public static byte[] RtcpReceiverReportAndPli(uint senderSsrc, uint mediaSsrc)
    {
        var packet = new byte[8 + 12];
        packet[0] = 0x80;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), senderSsrc);
        packet[8] = 0x81;
        packet[9] = 206;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), 2);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), mediaSsrc);
        return packet;
    }
}
