using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// Chat under end-to-end encryption (README.md, "Frames on the wire"): the <c>sealed</c> field of a chat message is
/// the SFrame ciphertext (stream 3, <see cref="StreamKind.Chat"/>) of the UTF-8 text, with the UTF-8 meeting id as
/// metadata so that a message cannot be replayed into another meeting.
/// </summary>
public static class E2eeChat
{
    /// <summary>The SFrame ciphertext of <paramref name="text"/> (to be base64url-encoded into <c>sealed</c>).</summary>
    public static byte[] Seal(SframeSender chatSender, string meetingId, string text)
    {
        ArgumentNullException.ThrowIfNull(chatSender);
        ArgumentNullException.ThrowIfNull(meetingId);
        ArgumentNullException.ThrowIfNull(text);
        var plaintext = Encoding.UTF8.GetBytes(text);
        var output = new byte[plaintext.Length + chatSender.MaxOverhead];
        if (!chatSender.Protect(plaintext, Encoding.UTF8.GetBytes(meetingId), output, out var written))
        {
            throw new InvalidOperationException("The output was sized for the longest header and tag.");
        }

        return output[..written];
    }

    /// <summary>Opens a sealed chat message; <paramref name="text"/> is set only for <see cref="SframeResult.Ok"/>.</summary>
    /// <remarks>Text that is not valid UTF-8 after authentication is reported as <see cref="SframeResult.Malformed"/>.</remarks>
    public static SframeResult Open(SframeReceiver receiver, string meetingId, ReadOnlySpan<byte> sealedText, [NotNullWhen(true)] out string? text)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(meetingId);
        text = null;
        var plaintext = new byte[sealedText.Length];
        var result = receiver.Unprotect(sealedText, Encoding.UTF8.GetBytes(meetingId), plaintext, out _, out var written);
        if (result != SframeResult.Ok)
        {
            return result;
        }

        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plaintext, 0, written);
            return SframeResult.Ok;
        }
        catch (DecoderFallbackException)
        {
            return SframeResult.Malformed;
        }
    }
}
