using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// An X25519 key pair for DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1): what each participant makes on entering a
/// meeting and keeps, in memory only, for as long as its page (or C# participant) lives.
/// </summary>
public sealed class HpkeKeyPair : IDisposable
{
    /// <summary>Npk = Nsk = Nenc: the length of X25519 keys and of an encapsulated key.</summary>
    public const int KeyLength = 32;

    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;

    private HpkeKeyPair(byte[] privateKey)
    {
        _privateKey = privateKey;
        _publicKey = new byte[KeyLength];
        X25519.ScalarMultBase(privateKey, 0, _publicKey, 0);
    }

    /// <summary>The raw 32-byte public key (SerializePublicKey), as the roster carries it base64url-encoded.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    internal ReadOnlySpan<byte> PrivateKey => _privateKey;

    /// <summary>A fresh key pair from the system's cryptographic random number generator.</summary>
    public static HpkeKeyPair Generate() => new(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>The key pair of a raw 32-byte private key (DeserializePrivateKey).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static HpkeKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            throw new ArgumentException("An X25519 private key is 32 bytes.", nameof(privateKey));
        }

        return new HpkeKeyPair(privateKey.ToArray());
    }

    /// <summary>DeriveKeyPair(ikm) of RFC 9180 §7.1.3 for X25519: deterministic, for tests and known answers.</summary>
    public static HpkeKeyPair Derive(ReadOnlySpan<byte> ikm)
    {
        var dkpPrk = HpkeLabels.Extract(HpkeLabels.KemSuiteId, [], "dkp_prk"u8, ikm);
        var privateKey = HpkeLabels.Expand(HpkeLabels.KemSuiteId, dkpPrk, "sk"u8, [], KeyLength);
        CryptographicOperations.ZeroMemory(dkpPrk);
        return new HpkeKeyPair(privateKey);
    }

    /// <summary>X25519(sk, pkPeer); false when the result is all zeros (a small-order peer key, §7.1.4).</summary>
    internal bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (peerPublicKey.Length != KeyLength)
        {
            return false;
        }

        var result = new byte[KeyLength];
        X25519.ScalarMult(_privateKey, 0, peerPublicKey.ToArray(), 0, result, 0);
        var allZero = CryptographicOperations.FixedTimeEquals(result, stackalloc byte[KeyLength]);
        result.CopyTo(sharedSecret);
        CryptographicOperations.ZeroMemory(result);
        return !allZero;
    }

    /// <inheritdoc />
    public void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);
}
