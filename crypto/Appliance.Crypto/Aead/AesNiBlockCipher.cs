using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Appliance.Crypto.Aead;

/// <summary>
/// AES-128 or AES-256 encryption on AES-NI, the round keys expanded once (AESKEYGENASSIST) and zeroed on
/// <see cref="Dispose"/>, and counter-mode keystream eight blocks in flight. Shared by GCM (a 32-bit big-endian
/// counter in bytes 12–15) and SRTP's AES-CM (a 16-bit block index in bytes 14–15, RFC 3711 §4.1.1).
/// </summary>
internal sealed class AesNiBlockCipher : IDisposable
{
    internal const int BlockLength = 16;
    internal const int WideBlocks = 8;
    internal const int WideLength = WideBlocks * BlockLength;

    private readonly Vector128<byte>[] _roundKeys;
    private readonly int _rounds;

    /// <summary>Whether this CPU has the instructions used here.</summary>
    internal static bool IsSupported => AesNi.IsSupported && Sse41.IsSupported;

    public AesNiBlockCipher(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI and SSE4.1 are required.");
        }

        _roundKeys = key.Length switch
        {
            16 => ExpandKey128(Vector128.Create(key)),
            32 => ExpandKey256(Vector128.Create(key), Vector128.Create(key[BlockLength..])),
            _ => throw new ArgumentException("AES takes a 16- or 32-byte key here.", nameof(key)),
        };
        _rounds = _roundKeys.Length - 1;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));

    public Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _roundKeys;
        block ^= keys[0];
        for (var r = 1; r < _rounds; r++)
        {
            block = AesNi.Encrypt(block, keys[r]);
        }

        return AesNi.EncryptLast(block, keys[_rounds]);
    }

    /// <summary>
    /// output[offset..+128] = input[offset..+128] xor E(K, the counter blocks of <paramref name="counter"/> ..
    /// <paramref name="counter"/> + 7). Each block is loaded before it is stored, so input and output may be the same memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void XorKeystream8(Vector128<byte> counterBlock, uint counter, bool sixteenBitCounter, ref byte source, ref byte destination, nuint offset)
    {
        Keystream(counterBlock, counter, sixteenBitCounter, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7);
        (b0 ^ Vector128.LoadUnsafe(ref source, offset)).StoreUnsafe(ref destination, offset);
        (b1 ^ Vector128.LoadUnsafe(ref source, offset + 16)).StoreUnsafe(ref destination, offset + 16);
        (b2 ^ Vector128.LoadUnsafe(ref source, offset + 32)).StoreUnsafe(ref destination, offset + 32);
        (b3 ^ Vector128.LoadUnsafe(ref source, offset + 48)).StoreUnsafe(ref destination, offset + 48);
        (b4 ^ Vector128.LoadUnsafe(ref source, offset + 64)).StoreUnsafe(ref destination, offset + 64);
        (b5 ^ Vector128.LoadUnsafe(ref source, offset + 80)).StoreUnsafe(ref destination, offset + 80);
        (b6 ^ Vector128.LoadUnsafe(ref source, offset + 96)).StoreUnsafe(ref destination, offset + 96);
        (b7 ^ Vector128.LoadUnsafe(ref source, offset + 112)).StoreUnsafe(ref destination, offset + 112);
    }

    /// <summary>
    /// The same for fewer than eight blocks (<paramref name="output"/> and <paramref name="input"/> of equal length
    /// under 128 bytes): eight keystream blocks in parallel cost about what two in series do.
    /// </summary>
    public void XorKeystreamTail(Vector128<byte> counterBlock, uint counter, bool sixteenBitCounter, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> keystream = stackalloc byte[WideLength];
        ref var stream = ref MemoryMarshal.GetReference(keystream);
        Keystream(counterBlock, counter, sixteenBitCounter, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7);
        b0.StoreUnsafe(ref stream, 0);
        b1.StoreUnsafe(ref stream, 16);
        b2.StoreUnsafe(ref stream, 32);
        b3.StoreUnsafe(ref stream, 48);
        b4.StoreUnsafe(ref stream, 64);
        b5.StoreUnsafe(ref stream, 80);
        b6.StoreUnsafe(ref stream, 96);
        b7.StoreUnsafe(ref stream, 112);
        ref var source = ref MemoryMarshal.GetReference(input);
        ref var destination = ref MemoryMarshal.GetReference(output);
        var length = (nuint)input.Length;
        nuint i = 0;
        for (; length - i >= BlockLength; i += BlockLength)
        {
            (Vector128.LoadUnsafe(ref stream, i) ^ Vector128.LoadUnsafe(ref source, i)).StoreUnsafe(ref destination, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) = (byte)(Unsafe.Add(ref source, i) ^ Unsafe.Add(ref stream, i));
        }

        CryptographicOperations.ZeroMemory(keystream);
    }

    /// <summary>The counter block for <paramref name="counter"/>, big-endian in the low 32 or 16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Counter(Vector128<byte> counterBlock, uint counter, bool sixteenBitCounter) =>
        sixteenBitCounter
            ? Sse2.Insert(counterBlock.AsUInt16(), BinaryPrimitives.ReverseEndianness((ushort)counter), 7).AsByte()
            : Sse41.Insert(counterBlock.AsUInt32(), BinaryPrimitives.ReverseEndianness(counter), 3).AsByte();

    // E(K, counter block) for eight consecutive counters.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Keystream(
        Vector128<byte> counterBlock, uint counter, bool sixteenBitCounter, out Vector128<byte> b0, out Vector128<byte> b1, out Vector128<byte> b2, out Vector128<byte> b3,
        out Vector128<byte> b4, out Vector128<byte> b5, out Vector128<byte> b6, out Vector128<byte> b7)
    {
        var keys = _roundKeys;
        var rounds = _rounds;
        var k = keys[0];
        b0 = Counter(counterBlock, counter, sixteenBitCounter) ^ k;
        b1 = Counter(counterBlock, counter + 1, sixteenBitCounter) ^ k;
        b2 = Counter(counterBlock, counter + 2, sixteenBitCounter) ^ k;
        b3 = Counter(counterBlock, counter + 3, sixteenBitCounter) ^ k;
        b4 = Counter(counterBlock, counter + 4, sixteenBitCounter) ^ k;
        b5 = Counter(counterBlock, counter + 5, sixteenBitCounter) ^ k;
        b6 = Counter(counterBlock, counter + 6, sixteenBitCounter) ^ k;
        b7 = Counter(counterBlock, counter + 7, sixteenBitCounter) ^ k;
        for (var r = 1; r < rounds; r++)
        {
            k = keys[r];
            b0 = AesNi.Encrypt(b0, k);
            b1 = AesNi.Encrypt(b1, k);
            b2 = AesNi.Encrypt(b2, k);
            b3 = AesNi.Encrypt(b3, k);
            b4 = AesNi.Encrypt(b4, k);
            b5 = AesNi.Encrypt(b5, k);
            b6 = AesNi.Encrypt(b6, k);
            b7 = AesNi.Encrypt(b7, k);
        }

        k = keys[rounds];
        b0 = AesNi.EncryptLast(b0, k);
        b1 = AesNi.EncryptLast(b1, k);
        b2 = AesNi.EncryptLast(b2, k);
        b3 = AesNi.EncryptLast(b3, k);
        b4 = AesNi.EncryptLast(b4, k);
        b5 = AesNi.EncryptLast(b5, k);
        b6 = AesNi.EncryptLast(b6, k);
        b7 = AesNi.EncryptLast(b7, k);
    }

    private static Vector128<byte>[] ExpandKey128(Vector128<byte> key)
    {
        var k = new Vector128<byte>[11];
        k[0] = key;
        k[1] = Step(k[0], Sse2.Shuffle(AesNi.KeygenAssist(k[0], 0x01).AsUInt32(), 0xFF));
        k[2] = Step(k[1], Sse2.Shuffle(AesNi.KeygenAssist(k[1], 0x02).AsUInt32(), 0xFF));
        k[3] = Step(k[2], Sse2.Shuffle(AesNi.KeygenAssist(k[2], 0x04).AsUInt32(), 0xFF));
        k[4] = Step(k[3], Sse2.Shuffle(AesNi.KeygenAssist(k[3], 0x08).AsUInt32(), 0xFF));
        k[5] = Step(k[4], Sse2.Shuffle(AesNi.KeygenAssist(k[4], 0x10).AsUInt32(), 0xFF));
        k[6] = Step(k[5], Sse2.Shuffle(AesNi.KeygenAssist(k[5], 0x20).AsUInt32(), 0xFF));
        k[7] = Step(k[6], Sse2.Shuffle(AesNi.KeygenAssist(k[6], 0x40).AsUInt32(), 0xFF));
        k[8] = Step(k[7], Sse2.Shuffle(AesNi.KeygenAssist(k[7], 0x80).AsUInt32(), 0xFF));
        k[9] = Step(k[8], Sse2.Shuffle(AesNi.KeygenAssist(k[8], 0x1B).AsUInt32(), 0xFF));
        k[10] = Step(k[9], Sse2.Shuffle(AesNi.KeygenAssist(k[9], 0x36).AsUInt32(), 0xFF));
        return k;
    }

    // FIPS 197 §5.2 for Nk = 8: even round keys take RotWord/SubWord/Rcon of the previous word (lane 3),
    // odd ones SubWord alone (lane 2).
    private static Vector128<byte>[] ExpandKey256(Vector128<byte> first, Vector128<byte> second)
    {
        var k = new Vector128<byte>[15];
        k[0] = first;
        k[1] = second;
        k[2] = Step(k[0], Sse2.Shuffle(AesNi.KeygenAssist(k[1], 0x01).AsUInt32(), 0xFF));
        k[3] = Step(k[1], Sse2.Shuffle(AesNi.KeygenAssist(k[2], 0x00).AsUInt32(), 0xAA));
        k[4] = Step(k[2], Sse2.Shuffle(AesNi.KeygenAssist(k[3], 0x02).AsUInt32(), 0xFF));
        k[5] = Step(k[3], Sse2.Shuffle(AesNi.KeygenAssist(k[4], 0x00).AsUInt32(), 0xAA));
        k[6] = Step(k[4], Sse2.Shuffle(AesNi.KeygenAssist(k[5], 0x04).AsUInt32(), 0xFF));
        k[7] = Step(k[5], Sse2.Shuffle(AesNi.KeygenAssist(k[6], 0x00).AsUInt32(), 0xAA));
        k[8] = Step(k[6], Sse2.Shuffle(AesNi.KeygenAssist(k[7], 0x08).AsUInt32(), 0xFF));
        k[9] = Step(k[7], Sse2.Shuffle(AesNi.KeygenAssist(k[8], 0x00).AsUInt32(), 0xAA));
        k[10] = Step(k[8], Sse2.Shuffle(AesNi.KeygenAssist(k[9], 0x10).AsUInt32(), 0xFF));
        k[11] = Step(k[9], Sse2.Shuffle(AesNi.KeygenAssist(k[10], 0x00).AsUInt32(), 0xAA));
        k[12] = Step(k[10], Sse2.Shuffle(AesNi.KeygenAssist(k[11], 0x20).AsUInt32(), 0xFF));
        k[13] = Step(k[11], Sse2.Shuffle(AesNi.KeygenAssist(k[12], 0x00).AsUInt32(), 0xAA));
        k[14] = Step(k[12], Sse2.Shuffle(AesNi.KeygenAssist(k[13], 0x40).AsUInt32(), 0xFF));
        return k;
    }

    // w[i] = w[i - Nk] xor w[i - 1] for the four words of a round key, the first one also xor the broadcast word.
    private static Vector128<byte> Step(Vector128<byte> previous, Vector128<uint> broadcast)
    {
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        return previous ^ broadcast.AsByte();
    }
}
