namespace Appliance.Crypto.E2ee;

/// <summary>
/// The frame profiles of README.md, "Frames on the wire": audio (Opus) is protected whole with empty metadata;
/// video (VP8) keeps its first 10 bytes (key frame) or 3 bytes (delta frame) in clear as the SFrame metadata,
/// so that the SFU can find key frames: output = <c>clear prefix || SFrame header || ciphertext || tag</c>.
/// </summary>
public static class WebRtcFrames
{
    /// <summary>The clear prefix of a VP8 key frame: frame tag, start code, width and height (RFC 6386 §9.1).</summary>
    public const int Vp8KeyFramePrefixLength = 10;

    /// <summary>The clear prefix of a VP8 delta frame: the frame tag.</summary>
    public const int Vp8DeltaFramePrefixLength = 3;

    /// <summary>
    /// Whether a VP8 frame (or the clear prefix of a protected one) is a key frame: bit 0 of the frame tag is 0
    /// (RFC 6386 §9.1). The prefix is authenticated, so a receiver may take the frame type from it.
    /// </summary>
    public static bool IsVp8KeyFrame(ReadOnlySpan<byte> frame) => !frame.IsEmpty && (frame[0] & 0x01) == 0;

    /// <summary>The clear prefix length of a VP8 frame.</summary>
    public static int Vp8PrefixLength(bool isKeyFrame) => isKeyFrame ? Vp8KeyFramePrefixLength : Vp8DeltaFramePrefixLength;

    /// <summary>Protects a VP8 frame; the destination needs <c>frame.Length + sender.MaxOverhead</c> bytes.</summary>
    /// <returns>False when the frame is no longer than its clear prefix (to be dropped) or the destination is too short.</returns>
    public static bool ProtectVideoFrame(SframeSender sender, ReadOnlySpan<byte> frame, bool isKeyFrame, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(sender);
        written = 0;
        var prefixLength = Vp8PrefixLength(isKeyFrame);
        if (frame.Length <= prefixLength || destination.Length < prefixLength)
        {
            return false;
        }

        var prefix = frame[..prefixLength];
        if (!sender.Protect(frame[prefixLength..], prefix, destination[prefixLength..], out var protectedLength))
        {
            return false;
        }

        prefix.CopyTo(destination);
        written = prefixLength + protectedLength;
        return true;
    }

    /// <summary>Unprotects a VP8 frame into <c>clear prefix || plaintext</c>; <paramref name="data"/>'s length always suffices.</summary>
    public static SframeResult UnprotectVideoFrame(SframeReceiver receiver, ReadOnlySpan<byte> data, bool isKeyFrame, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        written = 0;
        var prefixLength = Vp8PrefixLength(isKeyFrame);
        if (data.Length <= prefixLength)
        {
            return SframeResult.Malformed;
        }

        var prefix = data[..prefixLength];
        var result = receiver.Unprotect(data[prefixLength..], prefix, destination[prefixLength..], out _, out var plaintextLength);
        if (result == SframeResult.Ok)
        {
            prefix.CopyTo(destination);
            written = prefixLength + plaintextLength;
        }

        return result;
    }

    /// <summary>Protects an Opus frame whole, with empty metadata.</summary>
    /// <returns>False when the destination is too short.</returns>
    public static bool ProtectAudioFrame(SframeSender sender, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return sender.Protect(frame, [], destination, out written);
    }

    /// <summary>Unprotects an Opus frame.</summary>
    public static SframeResult UnprotectAudioFrame(SframeReceiver receiver, ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        return receiver.Unprotect(data, [], destination, out _, out written);
    }
}
