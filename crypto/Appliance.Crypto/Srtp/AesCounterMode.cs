using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Appliance.Crypto.Aead;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// AES in counter mode as SRTP defines it (RFC 3711 §4.1.1): keystream block j is E(k, IV + j), with j in
/// the low 16 bits of an IV whose low 16 bits are zero. Also the PRF of the key derivation (§4.3.3).
/// </summary>
/// <remarks>
/// Where the CPU has AES-NI the keystream comes from <see cref="AesNiBlockCipher"/>, eight blocks in flight, with
/// no native call. Otherwise it comes from a reused ECB <see cref="ICryptoTransform"/> over preallocated arrays: the span
/// one-shot <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> builds a
/// native context per call, which allocates and costs several times more. Not thread-safe.
/// </remarks>
internal sealed class AesCounterMode : IDisposable
{
    internal const int BlockLength = 16;

    /// <summary>The most keystream one IV may produce: the 16-bit block counter must not wrap.</summary>
    internal const int MaxDataLength = 65536 * BlockLength;

    // Enough blocks for a full-MTU packet in one native call.
    private const int ChunkBlocks = 96;

    private readonly AesNiBlockCipher? _aesNi;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _encryptor;
    private readonly byte[] _counterBlocks = [];
    private readonly byte[] _keystream = [];

    /// <summary>The cipher under <paramref name="key"/>; <paramref name="allowAesNi"/> false forces the platform's (tests).</summary>
    public AesCounterMode(ReadOnlySpan<byte> key, bool allowAesNi = true)
    {
        if (allowAesNi && AesNiBlockCipher.IsSupported && key.Length is 16 or 32)
        {
            _aesNi = new AesNiBlockCipher(key);
            return;
        }

        _counterBlocks = new byte[ChunkBlocks * BlockLength];
        _keystream = new byte[ChunkBlocks * BlockLength];
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        var keyCopy = key.ToArray();
        try
        {
            _aes.Key = keyCopy;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyCopy);
        }

        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> with the keystream that starts at <paramref name="iv"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Debug.Assert(iv.Length == BlockLength && iv[14] == 0 && iv[15] == 0, "The block counter occupies the IV's low 16 bits.");
        Debug.Assert(data.Length <= MaxDataLength, "The 16-bit block counter must not wrap.");

        if (_aesNi is not null)
        {
            ApplyAesNi(_aesNi, iv, data);
            return;
        }

        var block = 0;
        while (!data.IsEmpty)
        {
            var chunkLength = Math.Min(data.Length, _counterBlocks.Length);
            var blocks = (chunkLength + BlockLength - 1) / BlockLength;
            var counters = _counterBlocks.AsSpan();
            for (var b = 0; b < blocks; b++, block++)
            {
                var counter = counters.Slice(b * BlockLength, BlockLength);
                iv.CopyTo(counter);
                BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)block);
            }

            _encryptor!.TransformBlock(_counterBlocks, 0, blocks * BlockLength, _keystream, 0);
            Xor(data[..chunkLength], _keystream);
            data = data[chunkLength..];
        }
    }

    /// <summary>Whether the keystream comes from AES-NI.</summary>
    internal bool UsesAesNi => _aesNi is not null;

    public void Dispose()
    {
        _aesNi?.Dispose();
        _encryptor?.Dispose();
        _aes?.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }

    // Not inlined, so that the eight-block keystream is inlined here (see IntrinsicsAesGcm.ApplyCounterMode).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ApplyAesNi(AesNiBlockCipher aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var counterBlock = Vector128.Create(iv);
        ref var bytes = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        nuint offset = 0;
        uint block = 0;
        while (length - offset >= AesNiBlockCipher.WideLength)
        {
            aes.XorKeystream8(counterBlock, block, sixteenBitCounter: true, ref bytes, ref bytes, offset);
            block += AesNiBlockCipher.WideBlocks;
            offset += AesNiBlockCipher.WideLength;
        }

        if (offset < length)
        {
            aes.XorKeystreamTail(counterBlock, block, sixteenBitCounter: true, data[(int)offset..], data[(int)offset..]);
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var mixed = new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..]);
                mixed.CopyTo(data[i..]);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
