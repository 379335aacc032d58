using System.Buffers.Binary;

namespace Appliance.Media.Tests.Sfu;

/// <summary>Hand-built RTP packets and payloads for the router's tests.</summary>
internal static class Packets
{
    public const int AudioLevelId = 1;
    public const int MidId = 3;

    /// <summary>
    /// An RTP packet (RFC 3550 §5.1) with optional one-byte extension elements (RFC 8285 §4.2): the audio level
    /// (RFC 6464: V bit and level) and a MID string, then the payload and optional padding.
    /// </summary>
    public static byte[] Rtp(
        uint ssrc,
        ushort sequence,
        uint timestamp,
        int payloadType,
        ReadOnlySpan<byte> payload,
        bool marker = false,
        (bool Voice, int Level)? audioLevel = null,
        string? mid = null,
        int padding = 0)
    {
        var extension = new List<byte>();
        if (audioLevel is { } level)
        {
            extension.Add(AudioLevelId << 4);
            extension.Add((byte)((level.Voice ? 0x80 : 0) | level.Level));
        }

        if (mid is not null)
        {
            extension.Add((byte)((MidId << 4) | (mid.Length - 1)));
            extension.AddRange(System.Text.Encoding.ASCII.GetBytes(mid));
        }

        while (extension.Count % 4 != 0)
        {
            extension.Add(0);
        }

        var headerLength = 12 + (extension.Count > 0 ? 4 + extension.Count : 0);
        var packet = new byte[headerLength + payload.Length + padding];
        packet[0] = (byte)(0x80 | (padding > 0 ? 0x20 : 0) | (extension.Count > 0 ? 0x10 : 0));
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        if (extension.Count > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), (ushort)(extension.Count / 4));
            extension.CopyTo(packet, 16);
        }

        payload.CopyTo(packet.AsSpan(headerLength));
        if (padding > 0)
        {
            packet[^1] = (byte)padding;
        }

        return packet;
    }

    /// <summary>
    /// The first packet of a VP8 key frame (RFC 7741): descriptor with X, I and a 15-bit PictureID, S=1, PID=0; then
    /// the frame tag with P=0, the start code 9D 01 2A and a 640x480 size, then <paramref name="filler"/> bytes.
    /// </summary>
    public static byte[] Vp8KeyframeStart(ushort pictureId = 0x1234, int filler = 100) =>
        [0x90, 0x80, (byte)(0x80 | (pictureId >> 8)), (byte)pictureId, 0x50, 0x2d, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, .. new byte[filler]];

    /// <summary>The first packet of a VP8 delta frame: S=1, PID=0, frame tag with P=1.</summary>
    public static byte[] Vp8DeltaStart(ushort pictureId = 0x1235, int filler = 100) =>
        [0x90, 0x80, (byte)(0x80 | (pictureId >> 8)), (byte)pictureId, 0x51, 0x2d, 0x00, .. new byte[filler + 7]];

    /// <summary>A later packet of a VP8 frame: S=0.</summary>
    public static byte[] Vp8Continuation(ushort pictureId = 0x1234, int filler = 100) =>
        [0x80, 0x80, (byte)(0x80 | (pictureId >> 8)), (byte)pictureId, .. new byte[filler]];
}
