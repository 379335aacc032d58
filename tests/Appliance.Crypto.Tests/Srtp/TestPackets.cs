using System.Buffers.Binary;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

/// <summary>RTP and RTCP packets for the session tests, built field by field.</summary>
internal static class TestPackets
{
    public const int FixedHeaderLength = 12;

    /// <summary>An RTP packet with optional CSRCs and a one-byte-header extension of the given words.</summary>
    public static byte[] Rtp(ushort sequenceNumber, uint ssrc, int payloadLength, int csrcCount = 0, int extensionWords = -1)
    {
        var headerLength = HeaderLength(csrcCount, extensionWords);
        var packet = new byte[headerLength + payloadLength];
        packet[0] = (byte)(0x80 | (extensionWords >= 0 ? 0x10 : 0) | csrcCount);
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequenceNumber * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        var offset = FixedHeaderLength;
        for (var i = 0; i < csrcCount; i++, offset += 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(offset), 0xC5C00000u + (uint)i);
        }

        if (extensionWords >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(offset), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(offset + 2), (ushort)extensionWords);
            for (var i = 0; i < 4 * extensionWords; i++)
            {
                packet[offset + 4 + i] = (byte)(0x10 + i);
            }
        }

        for (var i = headerLength; i < packet.Length; i++)
        {
            packet[i] = (byte)((i * 7) + sequenceNumber);
        }

        return packet;
    }

    public static int HeaderLength(int csrcCount, int extensionWords) =>
        FixedHeaderLength + (4 * csrcCount) + (extensionWords >= 0 ? 4 + (4 * extensionWords) : 0);

    /// <summary>An RTCP sender report of the given SSRC followed by <paramref name="extraLength"/> bytes of report data.</summary>
    public static byte[] Rtcp(uint ssrc, int extraLength = 20)
    {
        var packet = new byte[8 + extraLength];
        packet[0] = 0x80;
        packet[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        for (var i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)(i * 13);
        }

        return packet;
    }

    public static SrtpKeys Keys(SrtpProfile profile, ulong seed)
    {
        var random = new XorShift64(seed);
        var key = new byte[profile.MasterKeyLength];
        var salt = new byte[profile.MasterSaltLength];
        random.NextBytes(key);
        random.NextBytes(salt);
        return new SrtpKeys(profile, key, salt);
    }

    /// <summary>The protected form of <paramref name="plain"/>, exactly as long as the session made it.</summary>
    public static byte[] Protect(SrtpSession sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + sender.Profile.RtpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.That(sender.TryProtectRtp(buffer, plain.Length, out var length), Is.True, "protecting RTP");
        return buffer[..length];
    }

    public static byte[] ProtectRtcp(SrtpSession sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + sender.Profile.RtcpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.That(sender.TryProtectRtcp(buffer, plain.Length, out var length), Is.True, "protecting RTCP");
        return buffer[..length];
    }
}
