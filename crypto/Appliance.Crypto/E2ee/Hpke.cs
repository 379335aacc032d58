using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// HPKE (RFC 9180) in base mode for the one suite the appliance uses: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
/// AES-128-GCM. Sender keys travel sealed with it (see SenderKeyEnvelope).
/// </summary>
public static class Hpke
{
    /// <summary>Nenc: the length of the encapsulated key <c>enc</c> that precedes a ciphertext.</summary>
    public const int EncapsulatedKeyLength = HpkeKeyPair.KeyLength;

    /// <summary>Nt: the bytes AES-128-GCM adds to every plaintext.</summary>
    public const int TagLength = 16;

    /// <summary>SetupBaseS (§5.1.1): a fresh ephemeral key, the context to seal with, and <paramref name="enc"/> to send.</summary>
    /// <exception cref="ArgumentException">The public key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">The public key is of small order (the shared secret would be zero).</exception>
    public static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, out byte[] enc)
    {
        using var ephemeral = HpkeKeyPair.Generate();
        return SetupBaseS(recipientPublicKey, info, ephemeral, out enc);
    }

    /// <summary>SetupBaseS with a given ephemeral key pair: deterministic, for the RFC's vectors only.</summary>
    internal static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, HpkeKeyPair ephemeral, out byte[] enc)
    {
        if (recipientPublicKey.Length != HpkeKeyPair.KeyLength)
        {
            throw new ArgumentException("An X25519 public key is 32 bytes.", nameof(recipientPublicKey));
        }

        enc = ephemeral.PublicKey.ToArray();
        var sharedSecret = SharedSecret(ephemeral, recipientPublicKey, enc, recipientPublicKey)
            ?? throw new CryptographicException("The recipient's public key is not usable (small-order point).");
        return new HpkeSenderContext(KeySchedule(sharedSecret, info));
    }

    /// <summary>SetupBaseR (§5.1.1): the context to open with, from the sender's <paramref name="enc"/>.</summary>
    /// <returns>False when <paramref name="enc"/> is not 32 bytes or yields the all-zero shared secret.</returns>
    public static bool TrySetupBaseR(ReadOnlySpan<byte> enc, HpkeKeyPair recipient, ReadOnlySpan<byte> info, [NotNullWhen(true)] out HpkeRecipientContext? context)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        context = null;
        if (enc.Length != EncapsulatedKeyLength)
        {
            return false;
        }

        var sharedSecret = SharedSecret(recipient, enc, enc, recipient.PublicKey);
        if (sharedSecret is null)
        {
            return false;
        }

        context = new HpkeRecipientContext(KeySchedule(sharedSecret, info));
        return true;
    }

    /// <summary>Single-shot Seal (§6.1): <c>(enc, ciphertext)</c> of one message.</summary>
    /// <exception cref="ArgumentException">The public key is not 32 bytes.</exception>
    /// <exception cref="CryptographicException">The public key is of small order.</exception>
    public static (byte[] Enc, byte[] Ciphertext) Seal(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        using var context = SetupBaseS(recipientPublicKey, info, out var enc);
        return (enc, context.Seal(aad, plaintext));
    }

    /// <summary>Single-shot Open (§6.1); false, never throwing, for anything that does not authenticate.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> enc, HpkeKeyPair recipient, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        if (!TrySetupBaseR(enc, recipient, info, out var context))
        {
            return false;
        }

        using (context)
        {
            return context.TryOpen(aad, ciphertext, out plaintext);
        }
    }

    /// <summary>Single-shot secret export, sender side (§6.2): <c>(enc, exported secret)</c>.</summary>
    public static (byte[] Enc, byte[] Exported) SendExport(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> exporterContext, int length)
    {
        using var context = SetupBaseS(recipientPublicKey, info, out var enc);
        return (enc, context.Export(exporterContext, length));
    }

    /// <summary>Single-shot secret export, recipient side (§6.2); false when <paramref name="enc"/> is unusable.</summary>
    public static bool TryReceiveExport(ReadOnlySpan<byte> enc, HpkeKeyPair recipient, ReadOnlySpan<byte> info, ReadOnlySpan<byte> exporterContext, int length, [NotNullWhen(true)] out byte[]? exported)
    {
        exported = null;
        if (!TrySetupBaseR(enc, recipient, info, out var context))
        {
            return false;
        }

        using (context)
        {
            exported = context.Export(exporterContext, length);
            return true;
        }
    }

    /// <summary>
    /// The DHKEM shared secret (§4.1): ExtractAndExpand(DH(own, peer), enc || pkR). Encap and Decap differ only
    /// in whose private key meets whose public key; null for the all-zero DH output (§7.1.4).
    /// </summary>
    internal static byte[]? SharedSecret(HpkeKeyPair own, ReadOnlySpan<byte> peerPublicKey, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientPublicKey)
    {
        Span<byte> dh = stackalloc byte[HpkeKeyPair.KeyLength];
        if (!own.TryAgree(peerPublicKey, dh))
        {
            return null;
        }

        byte[] kemContext = [.. enc, .. recipientPublicKey];
        var eaePrk = HpkeLabels.Extract(HpkeLabels.KemSuiteId, [], "eae_prk"u8, dh);
        CryptographicOperations.ZeroMemory(dh);
        var sharedSecret = HpkeLabels.Expand(HpkeLabels.KemSuiteId, eaePrk, "shared_secret"u8, kemContext, HpkeLabels.HashLength);
        CryptographicOperations.ZeroMemory(eaePrk);
        return sharedSecret;
    }

    /// <summary>KeySchedule (§5.1) in base mode: empty psk and psk_id.</summary>
    internal static HpkeKeySchedule KeySchedule(byte[] sharedSecret, ReadOnlySpan<byte> info)
    {
        var pskIdHash = HpkeLabels.Extract(HpkeLabels.HpkeSuiteId, [], "psk_id_hash"u8, []);
        var infoHash = HpkeLabels.Extract(HpkeLabels.HpkeSuiteId, [], "info_hash"u8, info);
        byte[] context = [0x00, .. pskIdHash, .. infoHash];
        var secret = HpkeLabels.Extract(HpkeLabels.HpkeSuiteId, sharedSecret, "secret"u8, []);
        var schedule = new HpkeKeySchedule(
            sharedSecret,
            context,
            secret,
            HpkeLabels.Expand(HpkeLabels.HpkeSuiteId, secret, "key"u8, context, 16),
            HpkeLabels.Expand(HpkeLabels.HpkeSuiteId, secret, "base_nonce"u8, context, 12),
            HpkeLabels.Expand(HpkeLabels.HpkeSuiteId, secret, "exp"u8, context, HpkeLabels.HashLength));
        return schedule;
    }
}

/// <summary>The values KeySchedule computes; the intermediates are kept for checks against the RFC's vectors.</summary>
internal sealed record HpkeKeySchedule(
    byte[] SharedSecret, byte[] KeyScheduleContext, byte[] Secret, byte[] Key, byte[] BaseNonce, byte[] ExporterSecret);
