using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Appliance.Crypto.Aead;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// The SFrame key and salt of one KID, derived from a base key (RFC 9605 §4.4.2), with the cipher state to
/// protect and unprotect frames under them. One instance per KID; it also carries the sending counter of that
/// KID so that a key can never be used twice with the same counter, whichever sender holds it.
/// </summary>
/// <remarks>Not thread-safe: one sender or receiver uses it at a time.</remarks>
public sealed class SframeKey : IDisposable
{
    private static readonly byte[] KeyLabelPrefix = Encoding.ASCII.GetBytes("SFrame 1.0 Secret key ");
    private static readonly byte[] SaltLabelPrefix = Encoding.ASCII.GetBytes("SFrame 1.0 Secret salt ");

    private readonly SframeSuiteParameters _parameters;
    private readonly byte[] _key;
    private readonly byte[] _salt;
    private readonly IAesGcm? _gcm;
    private readonly AesCounterMode? _ctr;
    private readonly IncrementalHash? _hmac;
    private byte[] _aad = new byte[64];
    private ulong _nextCounter;
    private bool _disposed;

    private SframeKey(SframeSuiteParameters parameters, ulong kid, byte[] key, byte[] salt)
    {
        _parameters = parameters;
        Kid = kid;
        _key = key;
        _salt = salt;
        if (parameters.IsGcm)
        {
            _gcm = AesGcmCipher.Create(key);
        }
        else
        {
            _ctr = new AesCounterMode(key.AsSpan(0, SframeSuiteParameters.CtrEncryptionKeyLength));
            _hmac = IncrementalHash.CreateHMAC(parameters.Hash, key.AsSpan(SframeSuiteParameters.CtrEncryptionKeyLength));
        }
    }

    /// <summary>The key id these keys belong to.</summary>
    public ulong Kid { get; }

    /// <summary>The cipher suite.</summary>
    public SframeSuite Suite => _parameters.Suite;

    /// <summary>Bytes the AEAD tag adds to every frame.</summary>
    public int TagLength => _parameters.TagLength;

    /// <summary>The counter the next protected frame will carry.</summary>
    public ulong NextCounter => _nextCounter;

    internal ReadOnlySpan<byte> Key => _key;

    internal ReadOnlySpan<byte> Salt => _salt;

    /// <summary>Derives the SFrame key and salt of <paramref name="kid"/> from <paramref name="baseKey"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The suite is not one of RFC 9605.</exception>
    /// <exception cref="ArgumentException">The base key is empty.</exception>
    public static SframeKey Derive(SframeSuite suite, ulong kid, ReadOnlySpan<byte> baseKey)
    {
        var parameters = SframeSuiteParameters.Get(suite);
        if (baseKey.IsEmpty)
        {
            throw new ArgumentException("The base key is empty.", nameof(baseKey));
        }

        Span<byte> secret = stackalloc byte[64];
        secret = secret[..HKDF.Extract(parameters.Hash, baseKey, ReadOnlySpan<byte>.Empty, secret)];
        var key = new byte[parameters.KeyLength];
        var salt = new byte[SframeSuiteParameters.NonceLength];
        Span<byte> label = stackalloc byte[SaltLabelPrefix.Length + 10];
        HKDF.Expand(parameters.Hash, secret, key, Label(label, KeyLabelPrefix, kid, suite));
        HKDF.Expand(parameters.Hash, secret, salt, Label(label, SaltLabelPrefix, kid, suite));
        CryptographicOperations.ZeroMemory(secret);
        return new SframeKey(parameters, kid, key, salt);
    }

    /// <summary>Wraps an already derived key and salt (test vectors of the bare AEAD).</summary>
    internal static SframeKey FromKeyAndSalt(SframeSuite suite, ulong kid, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        var parameters = SframeSuiteParameters.Get(suite);
        if (key.Length != parameters.KeyLength || salt.Length != SframeSuiteParameters.NonceLength)
        {
            throw new ArgumentException("The key or salt has the wrong length for the suite.", nameof(key));
        }

        return new SframeKey(parameters, kid, key.ToArray(), salt.ToArray());
    }

    /// <summary>Moves the sending counter forward to <paramref name="counter"/>; never backwards, so no nonce repeats.</summary>
    internal void AdvanceCounterTo(ulong counter)
    {
        if (counter < _nextCounter)
        {
            throw new ArgumentOutOfRangeException(nameof(counter), "The counter never moves backwards.");
        }

        _nextCounter = counter;
    }

    /// <summary>The sframe_secret of §4.4.2 (HKDF-Extract with an empty salt), for checks against test vectors.</summary>
    internal static byte[] ExtractSecret(SframeSuite suite, ReadOnlySpan<byte> baseKey) =>
        HKDF.Extract(SframeSuiteParameters.Get(suite).Hash, baseKey.ToArray(), []);

    /// <summary>The HKDF info of §4.4.2: the label, the KID as 8 bytes and the suite as 2 bytes, all big-endian.</summary>
    internal static ReadOnlySpan<byte> Label(Span<byte> buffer, ReadOnlySpan<byte> prefix, ulong kid, SframeSuite suite)
    {
        prefix.CopyTo(buffer);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[prefix.Length..], kid);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(prefix.Length + 8)..], (ushort)suite);
        return buffer[..(prefix.Length + 10)];
    }

    internal static ReadOnlySpan<byte> KeyLabel(Span<byte> buffer, ulong kid, SframeSuite suite) =>
        Label(buffer, KeyLabelPrefix, kid, suite);

    internal static ReadOnlySpan<byte> SaltLabel(Span<byte> buffer, ulong kid, SframeSuite suite) =>
        Label(buffer, SaltLabelPrefix, kid, suite);

    /// <summary>Hands out the counter for the next frame; false once the 64-bit counter space is spent.</summary>
    internal bool TryTakeCounter(out ulong counter)
    {
        counter = _nextCounter;
        if (counter == ulong.MaxValue)
        {
            return false;
        }

        _nextCounter = counter + 1;
        return true;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> and writes the tag, authenticating
    /// <paramref name="header"/> || <paramref name="metadata"/> (§4.4.3). The outputs must not overlap the inputs.
    /// </summary>
    internal void Seal(ulong counter, ReadOnlySpan<byte> header, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[SframeSuiteParameters.NonceLength];
        var aad = Prepare(counter, header, metadata, nonce);
        if (_gcm is not null)
        {
            _gcm.Encrypt(nonce, plaintext, ciphertext, tag, aad);
            return;
        }

        plaintext.CopyTo(ciphertext);
        ApplyCounterMode(nonce, ciphertext[..plaintext.Length]);
        ComputeTag(nonce, aad, ciphertext[..plaintext.Length], tag);
    }

    /// <summary>Verifies the tag and decrypts; false, with nothing usable written, when the tag does not verify.</summary>
    internal bool TryOpen(ulong counter, ReadOnlySpan<byte> header, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[SframeSuiteParameters.NonceLength];
        var aad = Prepare(counter, header, metadata, nonce);
        if (_gcm is not null)
        {
            return _gcm.TryDecrypt(nonce, ciphertext, tag, plaintext, aad);
        }

        Span<byte> expected = stackalloc byte[SframeSuiteParameters.CtrEncryptionKeyLength];
        expected = expected[..tag.Length];
        ComputeTag(nonce, aad, ciphertext, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return false;
        }

        ciphertext.CopyTo(plaintext);
        ApplyCounterMode(nonce, plaintext[..ciphertext.Length]);
        return true;
    }

    /// <summary>Largest plaintext the suite can take in one frame.</summary>
    internal int MaxPlaintextLength => _gcm is not null ? int.MaxValue : AesCounterMode.MaxDataLength;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gcm?.Dispose();
        _ctr?.Dispose();
        _hmac?.Dispose();
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_salt);
    }

    // Writes the nonce and returns AAD = header || metadata (§4.4.3), assembled in a buffer kept per key so that
    // frames allocate nothing; it grows only when a metadata longer than any before arrives.
    private ReadOnlySpan<byte> Prepare(ulong counter, ReadOnlySpan<byte> header, ReadOnlySpan<byte> metadata, Span<byte> nonce)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Nonce(counter, nonce);
        var length = header.Length + metadata.Length;
        if (_aad.Length < length)
        {
            _aad = new byte[Math.Max(length, _aad.Length * 2)];
        }

        header.CopyTo(_aad);
        metadata.CopyTo(_aad.AsSpan(header.Length));
        return _aad.AsSpan(0, length);
    }

    // §4.4.3: the counter, left-padded to the nonce length, XORed into the salt.
    internal void Nonce(ulong counter, Span<byte> nonce)
    {
        _salt.CopyTo(nonce);
        var low = nonce[4..];
        BinaryPrimitives.WriteUInt64BigEndian(low, BinaryPrimitives.ReadUInt64BigEndian(low) ^ counter);
    }

    // §4.5.1: AES-CTR from nonce || 0x00000000.
    private void ApplyCounterMode(ReadOnlySpan<byte> nonce, Span<byte> data)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        iv.Clear();
        nonce.CopyTo(iv);
        _ctr!.Apply(iv, data);
    }

    // §4.5.1: HMAC over len(aad) || len(ct) || Nt (8 bytes each, big-endian) || nonce || aad || ct, truncated to Nt.
    private void ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> lengths = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(lengths, (ulong)aad.Length);
        BinaryPrimitives.WriteUInt64BigEndian(lengths[8..], (ulong)ciphertext.Length);
        BinaryPrimitives.WriteUInt64BigEndian(lengths[16..], (ulong)_parameters.TagLength);
        var hmac = _hmac!;
        hmac.AppendData(lengths);
        hmac.AppendData(nonce);
        hmac.AppendData(aad);
        hmac.AppendData(ciphertext);
        Span<byte> full = stackalloc byte[32];
        hmac.GetHashAndReset(full);
        full[..tag.Length].CopyTo(tag);
        CryptographicOperations.ZeroMemory(full);
    }
}
