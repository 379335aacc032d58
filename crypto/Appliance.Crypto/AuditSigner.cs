using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Appliance.Crypto;

/// <summary>
/// The appliance's Ed25519 key for audit-log checkpoints (RFC 8032, pure Ed25519). Created from the 32-byte private
/// seed kept in a 0600 key file; only byte arrays cross this type's boundary, so BouncyCastle stays inside crypto/.
/// </summary>
public sealed class AuditSigner
{
    /// <summary>Length of the private seed and of the public key.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    private readonly Ed25519PrivateKeyParameters _privateKey;
    private readonly byte[] _publicKey;
    private readonly Lock _lock = new();

    private AuditSigner(Ed25519PrivateKeyParameters privateKey)
    {
        _privateKey = privateKey;
        _publicKey = privateKey.GeneratePublicKey().GetEncoded();
    }

    /// <summary>A signer over the given 32-byte seed (the content of the key file).</summary>
    public static AuditSigner FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != KeyLength)
        {
            throw new ArgumentException($"An Ed25519 seed is {KeyLength} bytes.", nameof(seed));
        }

        return new AuditSigner(new Ed25519PrivateKeyParameters(seed));
    }

    /// <summary>The 32-byte public key, a copy.</summary>
    public byte[] PublicKey() => (byte[])_publicKey.Clone();

    /// <summary>A short, stable name for the key: the first 8 bytes of SHA-256 of the public key, as hex.</summary>
    public string KeyId => KeyIdOf(_publicKey);

    /// <summary>The key id of any public key, as <see cref="KeyId"/> computes it.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey)[..8]);

    /// <summary>Signs <paramref name="message"/>; returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        // BouncyCastle's signer is single-use and not thread-safe; a fresh one per call and the lock keep concurrent
        // checkpoints (on demand and periodic) from interleaving.
        lock (_lock)
        {
            signer.Init(true, _privateKey);
            signer.BlockUpdate(message);
            return signer.GenerateSignature();
        }
    }

    /// <summary>True when <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        try
        {
            verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        }
        catch (ArgumentException)
        {
            return false;
        }

        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }
}
