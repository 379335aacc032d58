using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// A sender's base key sealed to one recipient, as the <c>sealed</c> field of an <c>e2ee-key</c> message carries
/// it (README.md, "Distributing sender keys"): <c>enc (32 bytes) || HPKE ciphertext</c> of the 32-byte base key.
/// The AAD binds meeting, sender, recipient and generation, so the server cannot move a key to another of them.
/// </summary>
public static class SenderKeyEnvelope
{
    /// <summary>The length of a base key.</summary>
    public const int BaseKeyLength = 32;

    /// <summary>The length of a sealed base key: enc, the encrypted key and the tag.</summary>
    public const int SealedLength = Hpke.EncapsulatedKeyLength + BaseKeyLength + Hpke.TagLength;

    /// <summary>The HPKE info of every envelope.</summary>
    internal static ReadOnlySpan<byte> Info => "appliance e2ee v1 sender key"u8;

    /// <summary>Seals <paramref name="baseKey"/> of generation <paramref name="gen"/> to the recipient's public key.</summary>
    /// <exception cref="ArgumentException">A key has the wrong length, or an id is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gen"/> is negative.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The public key is of small order.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> recipientPublicKey, string meetingId, string fromId, string toId, int gen, ReadOnlySpan<byte> baseKey)
    {
        if (baseKey.Length != BaseKeyLength)
        {
            throw new ArgumentException("A base key is 32 bytes.", nameof(baseKey));
        }

        var aad = Aad(meetingId, fromId, toId, gen);
        var (enc, ciphertext) = Hpke.Seal(recipientPublicKey, Info, aad, baseKey);
        return [.. enc, .. ciphertext];
    }

    /// <summary>
    /// Opens a sealed base key addressed to <paramref name="recipient"/>; false, never throwing, when it is not
    /// exactly a sealed 32-byte key for this meeting, sender, recipient and generation.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> sealedKey, HpkeKeyPair recipient, string meetingId, string fromId, string toId, int gen, [NotNullWhen(true)] out byte[]? baseKey)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        baseKey = null;
        if (sealedKey.Length != SealedLength || gen < 0 || meetingId is null || fromId is null || toId is null)
        {
            return false;
        }

        var aad = Aad(meetingId, fromId, toId, gen);
        var enc = sealedKey[..Hpke.EncapsulatedKeyLength];
        return Hpke.TryOpen(enc, recipient, Info, aad, sealedKey[Hpke.EncapsulatedKeyLength..], out baseKey);
    }

    /// <summary>UTF-8 of <c>"&lt;meetingId&gt;|&lt;fromId&gt;|&lt;toId&gt;|&lt;gen&gt;"</c>, gen in decimal.</summary>
    /// <remarks>
    /// Ids are taken as they are, '|' included, exactly as the browser does: the recipient builds the AAD from its own
    /// meeting and participant id, so the sender's id between them is not ambiguous.
    /// </remarks>
    internal static byte[] Aad(string meetingId, string fromId, string toId, int gen)
    {
        ArgumentNullException.ThrowIfNull(meetingId);
        ArgumentNullException.ThrowIfNull(fromId);
        ArgumentNullException.ThrowIfNull(toId);
        ArgumentOutOfRangeException.ThrowIfNegative(gen);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{meetingId}|{fromId}|{toId}|{gen}"));
    }
}
