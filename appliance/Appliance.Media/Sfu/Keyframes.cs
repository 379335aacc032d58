using Appliance.Crypto.E2ee;

namespace Appliance.Media.Sfu;

/// <summary>
/// Recognises the first packet of a key frame from the RTP payload without decoding it, so that a subscriber's
/// slot can change over to a new source at a point where its decoder can start.
/// </summary>
/// <remarks>
/// Only the payload descriptor and the codec's own first header bytes are read. With end-to-end encryption these
/// bytes must stay in clear: for VP8 the first 10 bytes of a key frame (frame tag, start code, size) and 3 of
/// a delta frame; for H.264 the NAL unit headers.
/// </remarks>
public static class Keyframes
{
    /// <summary>
    /// Whether a VP8 payload (RFC 7741) starts a key frame: the descriptor's S bit set and PID 0 (§4.2), then the
    /// VP8 payload header's P bit clear (§4.3, §9.1) and the key frame start code 9D 01 2A (RFC 6386 §9.1).
    /// </summary>
    public static bool IsVp8KeyframeStart(ReadOnlySpan<byte> payload)
    {
        if (!SframeFrames.TryReadVp8Descriptor(payload, out var offset, out var startsFrame) || !startsFrame)
        {
            return false;
        }

        // Frame tag (3 bytes) and start code (3 bytes).
        if (payload.Length - offset < 6)
        {
            return false;
        }

        var header = payload[offset..];
        return (header[0] & 0x01) == 0 && header[3] == 0x9D && header[4] == 0x01 && header[5] == 0x2A;
    }

    /// <summary>
    /// Whether an H.264 payload (RFC 6184) starts a key frame: an SPS (type 7) or IDR slice (type 5) as a single
    /// NAL unit, inside a STAP-A (type 24), or at the start of an FU-A (type 28).
    /// </summary>
    public static bool IsH264KeyframeStart(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return false;
        }

        var type = payload[0] & 0x1F;
        switch (type)
        {
            case 24:
                var offset = 1;
                while (payload.Length - offset >= 3)
                {
                    var size = (payload[offset] << 8) | payload[offset + 1];
                    if (size == 0 || size > payload.Length - offset - 2)
                    {
                        return false;
                    }

                    if (IsKeyNal(payload[offset + 2] & 0x1F))
                    {
                        return true;
                    }

                    offset += 2 + size;
                }

                return false;
            case 28:
                return payload.Length >= 2 && (payload[1] & 0x80) != 0 && IsKeyNal(payload[1] & 0x1F);
            default:
                return IsKeyNal(type);
        }
    }

    /// <summary>Whether the payload of <paramref name="payloadType"/> starts a key frame; false for other codecs.</summary>
    public static bool IsKeyframeStart(int payloadType, ReadOnlySpan<byte> payload) => payloadType switch
    {
        SfuOptions.Vp8PayloadType => IsVp8KeyframeStart(payload),
        SfuOptions.H264PayloadType => IsH264KeyframeStart(payload),
        _ => false,
    };

    private static bool IsKeyNal(int type) => type is 5 or 7;
}
