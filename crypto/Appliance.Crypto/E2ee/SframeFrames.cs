namespace Appliance.Crypto.E2ee;

/// <summary>
/// Finds the SFrame header inside RTP payloads of end-to-end encrypted media, for a server-side tap that counts
/// or checks frames it cannot read (KID, counter). Parses only clear bytes; never throws for any input.
/// </summary>
public static class SframeFrames
{
    /// <summary>
    /// Reads the SFrame header of a VP8 RTP payload that starts a frame: the RFC 7741 payload descriptor, then the
    /// clear prefix (10 bytes when the VP8 payload header's P bit is 0, a key frame; 3 otherwise), then the header.
    /// </summary>
    /// <param name="rtpPayload">The RTP payload (after the RTP header and any extensions and padding removed).</param>
    /// <param name="header">The SFrame header.</param>
    /// <param name="headerOffset">Where the SFrame header starts in <paramref name="rtpPayload"/>.</param>
    /// <param name="isKeyFrame">Whether the frame is a VP8 key frame.</param>
    /// <returns>False for a packet that does not start a frame (no header in it) or is malformed.</returns>
    public static bool TryParseVp8Payload(ReadOnlySpan<byte> rtpPayload, out SframeHeader header, out int headerOffset, out bool isKeyFrame)
    {
        header = default;
        headerOffset = 0;
        isKeyFrame = false;
        if (!TryReadVp8Descriptor(rtpPayload, out var descriptorLength, out var startsFrame) || !startsFrame)
        {
            return false;
        }

        // The VP8 payload header is the frame's first bytes; its P bit is the frame tag's (RFC 7741 §4.3).
        if (rtpPayload.Length <= descriptorLength)
        {
            return false;
        }

        isKeyFrame = WebRtcFrames.IsVp8KeyFrame(rtpPayload[descriptorLength..]);
        var offset = descriptorLength + WebRtcFrames.Vp8PrefixLength(isKeyFrame);
        if (rtpPayload.Length <= offset || !SframeHeader.TryRead(rtpPayload[offset..], out header, out _))
        {
            return false;
        }

        headerOffset = offset;
        return true;
    }

    /// <summary>Reads the SFrame header of an Opus RTP payload: the whole frame is the SFrame ciphertext.</summary>
    public static bool TryParseOpusPayload(ReadOnlySpan<byte> rtpPayload, out SframeHeader header) =>
        SframeHeader.TryRead(rtpPayload, out header, out _);

    /// <summary>
    /// Reads the VP8 payload descriptor (RFC 7741 §4.2) at the start of an RTP payload: its length, and whether the
    /// payload starts a frame (S = 1 and PID = 0). The SFU's key frame detection reads it the same way.
    /// </summary>
    /// <returns>False when the payload is too short for the descriptor it announces.</returns>
    // X|R|N|S|R|PID, then if X: I|L|T|K|RSV, then PictureID (1 or 2 bytes, M bit) if I, TL0PICIDX if L,
    // TID|Y|KEYIDX if T or K.
    public static bool TryReadVp8Descriptor(ReadOnlySpan<byte> payload, out int length, out bool startsFrame)
    {
        length = 0;
        startsFrame = false;
        if (payload.IsEmpty)
        {
            return false;
        }

        var first = payload[0];
        startsFrame = (first & 0x10) != 0 && (first & 0x07) == 0;
        length = 1;
        if ((first & 0x80) == 0)
        {
            return true;
        }

        if (payload.Length < 2)
        {
            return false;
        }

        var extension = payload[1];
        length = 2;
        if ((extension & 0x80) != 0)
        {
            if (payload.Length <= length)
            {
                return false;
            }

            length += (payload[length] & 0x80) != 0 ? 2 : 1;
        }

        if ((extension & 0x40) != 0)
        {
            length++;
        }

        if ((extension & 0x30) != 0)
        {
            length++;
        }

        return payload.Length >= length;
    }
}
