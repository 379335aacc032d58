using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// An HPKE encryption context (RFC 9180 §5.2): the AEAD key, the base nonce, the sequence number and the
/// exporter secret one SetupBase produced. Not thread-safe: messages must be sealed and opened in order.
/// </summary>
public abstract class HpkeContext : IDisposable
{
    private readonly AesGcm _aead;
    private readonly byte[] _baseNonce;
    private readonly byte[] _exporterSecret;
    private bool _disposed;

    private protected HpkeContext(HpkeKeySchedule schedule)
    {
        _aead = new AesGcm(schedule.Key, Hpke.TagLength);
        _baseNonce = schedule.BaseNonce;
        _exporterSecret = schedule.ExporterSecret;
        CryptographicOperations.ZeroMemory(schedule.Key);
        CryptographicOperations.ZeroMemory(schedule.Secret);
        CryptographicOperations.ZeroMemory(schedule.SharedSecret);
    }

    /// <summary>How many messages this context has sealed or opened: the next message's sequence number.</summary>
    public ulong SequenceNumber { get; private set; }

    /// <summary>Export (§5.3): <paramref name="length"/> bytes bound to this context and <paramref name="exporterContext"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length exceeds 255 × 32 bytes (HKDF's limit).</exception>
    public byte[] Export(ReadOnlySpan<byte> exporterContext, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (length is < 0 or > 255 * HpkeLabels.HashLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        return HpkeLabels.Expand(HpkeLabels.HpkeSuiteId, _exporterSecret, "sec"u8, exporterContext, length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the AEAD and wipes the secrets.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            _aead.Dispose();
        }

        CryptographicOperations.ZeroMemory(_baseNonce);
        CryptographicOperations.ZeroMemory(_exporterSecret);
    }

    private protected byte[] SealNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        var ciphertext = new byte[plaintext.Length + Hpke.TagLength];
        _aead.Encrypt(nonce, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), aad);
        SequenceNumber++;
        return ciphertext;
    }

    private protected bool TryOpenNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        if (ciphertext.Length < Hpke.TagLength)
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        var length = ciphertext.Length - Hpke.TagLength;
        var output = new byte[length];
        try
        {
            _aead.Decrypt(nonce, ciphertext[..length], ciphertext[length..], output, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            // A failed Open leaves the sequence number where it was (§5.2), so the sender's next message still opens.
            return false;
        }

        SequenceNumber++;
        plaintext = output;
        return true;
    }

    // ComputeNonce (§5.2): base_nonce XOR I2OSP(seq, Nn).
    private void NextNonce(Span<byte> nonce)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (SequenceNumber == ulong.MaxValue)
        {
            throw new CryptographicException("The HPKE sequence number is exhausted.");
        }

        _baseNonce.CopyTo(nonce);
        var low = nonce[4..];
        BinaryPrimitives.WriteUInt64BigEndian(low, BinaryPrimitives.ReadUInt64BigEndian(low) ^ SequenceNumber);
    }
}

/// <summary>The sender's HPKE context (ContextS): seals messages in order.</summary>
public sealed class HpkeSenderContext : HpkeContext
{
    internal HpkeSenderContext(HpkeKeySchedule schedule)
        : base(schedule)
    {
    }

    /// <summary>Seal (§5.2): the ciphertext (with its 16-byte tag) of the next message.</summary>
    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext) => SealNext(aad, plaintext);
}

/// <summary>The recipient's HPKE context (ContextR): opens messages in the order they were sealed.</summary>
public sealed class HpkeRecipientContext : HpkeContext
{
    internal HpkeRecipientContext(HpkeKeySchedule schedule)
        : base(schedule)
    {
    }

    /// <summary>Open (§5.2); false, never throwing, when the ciphertext does not authenticate.</summary>
    public bool TryOpen(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, [NotNullWhen(true)] out byte[]? plaintext) =>
        TryOpenNext(aad, ciphertext, out plaintext);
}
