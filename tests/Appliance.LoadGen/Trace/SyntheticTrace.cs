namespace Appliance.LoadGen.Trace;

/// <summary>What kind of stream a packet belongs to.</summary>
public enum StreamKind : byte
{
    /// <summary>Opus, 20 ms packets.</summary>
    Audio = 1,

    /// <summary>VP8 camera video.</summary>
    Video = 2,
}

/// <summary>
/// The synthetic Opus + VP8 trace every participant publishes, the same for both SFUs: 50 audio packets a second of
/// <see cref="AudioPayloadBytes"/>; 30 video frames a second alternating 5 and 6 packets (165 packets a second) of
/// <see cref="VideoPayloadBytes"/>, a key frame every <see cref="KeyframeIntervalFrames"/> frames (3 s). Payloads are
/// opaque to both SFUs, as end-to-end encrypted frames are, except for the VP8 descriptor and frame tag a forwarder
/// looks at to find key frames.
/// </summary>
public static class SyntheticTrace
{
    /// <summary>Bytes of an Opus payload (about 32 kbit/s).</summary>
    public const int AudioPayloadBytes = 80;

    /// <summary>Bytes of a VP8 payload packet (the issue's ~1,100 B).</summary>
    public const int VideoPayloadBytes = 1100;

    /// <summary>Audio packet interval.</summary>
    public const int AudioIntervalMs = 20;

    /// <summary>Video frames per second.</summary>
    public const int FramesPerSecond = 30;

    /// <summary>Frames from one key frame to the next: 3 s.</summary>
    public const int KeyframeIntervalFrames = 90;

    /// <summary>Audio packets a second.</summary>
    public const int AudioPacketsPerSecond = 1000 / AudioIntervalMs;

    /// <summary>Video packets a second (30 frames of 5.5 packets).</summary>
    public const int VideoPacketsPerSecond = 165;

    /// <summary>Packets of video frame number <paramref name="frame"/>: 5 and 6 alternately.</summary>
    public static int PacketsInFrame(long frame) => frame % 2 == 0 ? 5 : 6;

    /// <summary>Whether frame number <paramref name="frame"/> is a key frame.</summary>
    public static bool IsKeyframe(long frame) => frame % KeyframeIntervalFrames == 0;

    /// <summary>Writes the VP8 payload descriptor (RFC 7741) and, on a frame's first packet, the frame tag.</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteVp8Start(Span<byte> payload, ushort pictureId, bool firstPacket, bool keyframe)
    {
        // X=1 (extensions follow), S=1 on the first packet of the frame, partition 0; I=1; 15-bit picture id.
        payload[0] = (byte)(0x80 | (firstPacket ? 0x10 : 0));
        payload[1] = 0x80;
        payload[2] = (byte)(0x80 | ((pictureId >> 8) & 0x7F));
        payload[3] = (byte)pictureId;
        if (!firstPacket)
        {
            return 4;
        }

        if (keyframe)
        {
            // Frame tag with P=0 (key frame), show_frame, then the start code 9d 01 2a and a 640x480 size.
            ReadOnlySpan<byte> keyframeHeader = [0x50, 0x2d, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
            keyframeHeader.CopyTo(payload[4..]);
            return 14;
        }

        // Frame tag with P=1 (an inter frame).
        ReadOnlySpan<byte> deltaHeader = [0x51, 0x2d, 0x00];
        deltaHeader.CopyTo(payload[4..]);
        return 7;
    }
}
