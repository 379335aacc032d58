using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Appliance.Crypto.Aead;

/// <summary>
/// AES-GCM (128- or 256-bit key, 16-byte tag) on AES-NI and PCLMULQDQ: counter mode eight blocks in flight, GHASH
/// over eight blocks per reduction with precomputed H..H^8. Round keys and powers of H are computed once per key
/// and cleared on <see cref="Dispose"/>; no call allocates.
/// </summary>
/// <remarks>
/// GHASH works on byte-reversed blocks, in which GF(2^128) multiplication is a carry-less product followed by a
/// one-bit left shift and a reduction modulo x^128 + x^7 + x^2 + x + 1 (Gueron and Kounavis, "Intel Carry-Less
/// Multiplication Instruction and its Usage for Computing the GCM Mode", rev. 2.02, algorithms 4 and 5). Shift and
/// reduction are linear, so eight unreduced products are summed and reduced once.
/// Decryption computes and checks the tag over the ciphertext before it decrypts, so a forged message releases
/// nothing. Nonces of any length are accepted (SP 800-38D §7.1); SRTP and SFrame use 12 bytes.
/// </remarks>
internal sealed class IntrinsicsAesGcm : IAesGcm
{
    private const int BlockLength = 16;
    private const int Powers = 8;
    private const int WideLength = Powers * BlockLength;

    private readonly Vector128<byte>[] _roundKeys;
    private readonly Vector128<ulong>[] _hPowers = new Vector128<ulong>[Powers];

    // For each power, its two 64-bit halves xored (Karatsuba's middle operand), in both lanes.
    private readonly Vector128<ulong>[] _hFolded = new Vector128<ulong>[Powers];
    private readonly int _rounds;
    private bool _disposed;

    /// <summary>Whether this CPU has every instruction the implementation uses.</summary>
    internal static bool IsSupported => AesNi.IsSupported && Pclmulqdq.IsSupported && Sse41.IsSupported && Ssse3.IsSupported;

    // pshufb control that reverses the 16 bytes of a block.
    private static Vector128<byte> ReverseBytes => Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    public IntrinsicsAesGcm(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI, PCLMULQDQ, SSSE3 and SSE4.1 are required.");
        }

        _roundKeys = key.Length switch
        {
            16 => ExpandKey128(Vector128.Create(key)),
            32 => ExpandKey256(Vector128.Create(key), Vector128.Create(key[BlockLength..])),
            _ => throw new ArgumentException("AES-GCM takes a 16- or 32-byte key here.", nameof(key)),
        };
        _rounds = _roundKeys.Length - 1;

        var h = Reverse(EncryptBlock(Vector128<byte>.Zero)).AsUInt64();
        _hPowers[0] = h;
        for (var i = 1; i < Powers; i++)
        {
            _hPowers[i] = Multiply(_hPowers[i - 1], h);
        }

        for (var i = 0; i < Powers; i++)
        {
            _hFolded[i] = Fold(_hPowers[i]);
        }
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        Validate(nonce, plaintext, ciphertext, tag);
        var j0 = CounterBlock(nonce);
        var x = Absorb(Vector128<ulong>.Zero, associatedData);
        x = ApplyCounterMode(j0, plaintext, ciphertext, x, absorbOutput: true);
        FinishTag(j0, x, associatedData.Length, plaintext.Length).StoreUnsafe(ref MemoryMarshal.GetReference(tag));
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        Validate(nonce, ciphertext, plaintext, tag);
        var j0 = CounterBlock(nonce);
        var x = Absorb(Absorb(Vector128<ulong>.Zero, associatedData), ciphertext);
        Span<byte> expected = stackalloc byte[BlockLength];
        FinishTag(j0, x, associatedData.Length, ciphertext.Length).StoreUnsafe(ref MemoryMarshal.GetReference(expected));
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return false;
        }

        ApplyCounterMode(j0, ciphertext, plaintext, x, absorbOutput: false);
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hPowers.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_hFolded.AsSpan()));
    }

    private void Validate(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (nonce.IsEmpty)
        {
            throw new ArgumentException("The nonce must not be empty.", nameof(nonce));
        }

        if (tag.Length != AesGcmCipher.TagLength)
        {
            throw new ArgumentException("The tag is 16 bytes.", nameof(tag));
        }

        if (output.Length != input.Length)
        {
            throw new ArgumentException("Input and output must have the same length.", nameof(output));
        }

        if (output.Overlaps(input, out var offset) && offset != 0)
        {
            throw new ArgumentException("Input and output must be the same span or not overlap.", nameof(output));
        }
    }

    // J0 (SP 800-38D §7.1): nonce || 0^31 || 1 for 12 bytes, otherwise GHASH(nonce || pad || 0^64 || [len]64).
    private Vector128<byte> CounterBlock(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length == AesGcmCipher.NonceLength)
        {
            var low = MemoryMarshal.Read<ulong>(nonce);
            var high = MemoryMarshal.Read<uint>(nonce[8..]);
            return Vector128.Create(low, high | (1UL << 56)).AsByte();
        }

        var x = Absorb(Vector128<ulong>.Zero, nonce);
        x = Multiply(x ^ Vector128.Create((ulong)nonce.Length * 8, 0UL), _hPowers[0]);
        return Reverse(x.AsByte());
    }

    // T = E(K, J0) xor GHASH(A || pad || C || pad || [len A]64 || [len C]64), given X after A and C.
    private Vector128<byte> FinishTag(Vector128<byte> j0, Vector128<ulong> x, int associatedLength, int textLength)
    {
        // The length block, byte-reversed: the text's bit length in the low half.
        x = Multiply(x ^ Vector128.Create((ulong)textLength * 8, (ulong)associatedLength * 8), _hPowers[0]);
        return EncryptBlock(j0) ^ Reverse(x.AsByte());
    }

    // X = (X xor B) * H for each block of data, the last zero-padded.
    private Vector128<ulong> Absorb(Vector128<ulong> x, ReadOnlySpan<byte> data)
    {
        ref var source = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        nuint offset = 0;
        while (length - offset >= WideLength)
        {
            x = AbsorbWide(x, ref source, offset);
            offset += WideLength;
        }

        return offset < length ? AbsorbTail(x, data[(int)offset..]) : x;
    }

    // Eight blocks, one reduction: X' = (X xor B0)H^8 xor B1 H^7 xor … xor B7 H.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<ulong> AbsorbWide(Vector128<ulong> x, ref byte source, nuint offset)
    {
        var powers = _hPowers;
        var folded = _hFolded;
        Vector128<ulong> low = default, middle = default, high = default;
        MultiplyAdd(Load(ref source, offset) ^ x, powers[7], folded[7], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 16), powers[6], folded[6], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 32), powers[5], folded[5], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 48), powers[4], folded[4], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 64), powers[3], folded[3], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 80), powers[2], folded[2], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 96), powers[1], folded[1], ref low, ref middle, ref high);
        MultiplyAdd(Load(ref source, offset + 112), powers[0], folded[0], ref low, ref middle, ref high);
        return Reduce(low, middle, high);
    }

    // Fewer than eight blocks, the last zero-padded, also with one reduction.
    private Vector128<ulong> AbsorbTail(Vector128<ulong> x, ReadOnlySpan<byte> tail)
    {
        Span<byte> padded = stackalloc byte[WideLength];
        padded.Clear();
        tail.CopyTo(padded);
        ref var source = ref MemoryMarshal.GetReference(padded);
        var blocks = (tail.Length + BlockLength - 1) / BlockLength;
        var powers = _hPowers;
        var folded = _hFolded;
        Vector128<ulong> low = default, middle = default, high = default;
        MultiplyAdd(Load(ref source, 0) ^ x, powers[blocks - 1], folded[blocks - 1], ref low, ref middle, ref high);
        for (var i = 1; i < blocks; i++)
        {
            MultiplyAdd(Load(ref source, (nuint)(i * BlockLength)), powers[blocks - 1 - i], folded[blocks - 1 - i], ref low, ref middle, ref high);
        }

        return Reduce(low, middle, high);
    }

    // output = input xor E(K, inc32(J0)), E(K, inc32^2(J0)), …, eight blocks in flight; when encrypting, the
    // ciphertext is absorbed into X as it is written, so that AES and carry-less multiplies overlap.
    private Vector128<ulong> ApplyCounterMode(Vector128<byte> j0, ReadOnlySpan<byte> input, Span<byte> output, Vector128<ulong> x, bool absorbOutput)
    {
        ref var source = ref MemoryMarshal.GetReference(input);
        ref var destination = ref MemoryMarshal.GetReference(output);
        var length = (nuint)input.Length;
        nuint offset = 0;
        var counterBlock = j0.AsUInt32();
        var counter = BinaryPrimitives.ReverseEndianness(counterBlock.GetElement(3)) + 1;
        while (length - offset >= WideLength)
        {
            Keystream(counterBlock, counter, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7);
            counter += Powers;
            // Each block is loaded before it is stored, so input and output may be the same memory.
            (b0 ^ Vector128.LoadUnsafe(ref source, offset)).StoreUnsafe(ref destination, offset);
            (b1 ^ Vector128.LoadUnsafe(ref source, offset + 16)).StoreUnsafe(ref destination, offset + 16);
            (b2 ^ Vector128.LoadUnsafe(ref source, offset + 32)).StoreUnsafe(ref destination, offset + 32);
            (b3 ^ Vector128.LoadUnsafe(ref source, offset + 48)).StoreUnsafe(ref destination, offset + 48);
            (b4 ^ Vector128.LoadUnsafe(ref source, offset + 64)).StoreUnsafe(ref destination, offset + 64);
            (b5 ^ Vector128.LoadUnsafe(ref source, offset + 80)).StoreUnsafe(ref destination, offset + 80);
            (b6 ^ Vector128.LoadUnsafe(ref source, offset + 96)).StoreUnsafe(ref destination, offset + 96);
            (b7 ^ Vector128.LoadUnsafe(ref source, offset + 112)).StoreUnsafe(ref destination, offset + 112);
            if (absorbOutput)
            {
                x = AbsorbWide(x, ref destination, offset);
            }

            offset += WideLength;
        }

        if (offset < length)
        {
            // The last one to eight blocks: eight keystream blocks in parallel cost about what two in series do.
            Span<byte> keystream = stackalloc byte[WideLength];
            ref var stream = ref MemoryMarshal.GetReference(keystream);
            Keystream(counterBlock, counter, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7);
            b0.StoreUnsafe(ref stream, 0);
            b1.StoreUnsafe(ref stream, 16);
            b2.StoreUnsafe(ref stream, 32);
            b3.StoreUnsafe(ref stream, 48);
            b4.StoreUnsafe(ref stream, 64);
            b5.StoreUnsafe(ref stream, 80);
            b6.StoreUnsafe(ref stream, 96);
            b7.StoreUnsafe(ref stream, 112);
            nuint i = 0;
            for (; length - offset - i >= BlockLength; i += BlockLength)
            {
                (Vector128.LoadUnsafe(ref stream, i) ^ Vector128.LoadUnsafe(ref source, offset + i)).StoreUnsafe(ref destination, offset + i);
            }

            for (; offset + i < length; i++)
            {
                Unsafe.Add(ref destination, offset + i) = (byte)(Unsafe.Add(ref source, offset + i) ^ Unsafe.Add(ref stream, i));
            }

            if (absorbOutput)
            {
                x = AbsorbTail(x, output[(int)offset..input.Length]);
            }
        }

        return x;
    }

    // E(K, counter block) for eight consecutive counters.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Keystream(
        Vector128<uint> j0, uint counter, out Vector128<byte> b0, out Vector128<byte> b1, out Vector128<byte> b2, out Vector128<byte> b3,
        out Vector128<byte> b4, out Vector128<byte> b5, out Vector128<byte> b6, out Vector128<byte> b7)
    {
        var keys = _roundKeys;
        var rounds = _rounds;
        var k = keys[0];
        b0 = Counter(j0, counter) ^ k;
        b1 = Counter(j0, counter + 1) ^ k;
        b2 = Counter(j0, counter + 2) ^ k;
        b3 = Counter(j0, counter + 3) ^ k;
        b4 = Counter(j0, counter + 4) ^ k;
        b5 = Counter(j0, counter + 5) ^ k;
        b6 = Counter(j0, counter + 6) ^ k;
        b7 = Counter(j0, counter + 7) ^ k;
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

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _roundKeys;
        block ^= keys[0];
        for (var r = 1; r < _rounds; r++)
        {
            block = AesNi.Encrypt(block, keys[r]);
        }

        return AesNi.EncryptLast(block, keys[_rounds]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<uint> j0, uint counter) =>
        Sse41.Insert(j0, BinaryPrimitives.ReverseEndianness(counter), 3).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reverse(Vector128<byte> block) => Ssse3.Shuffle(block, ReverseBytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte source, nuint offset) => Reverse(Vector128.LoadUnsafe(ref source, offset)).AsUInt64();

    // Accumulates the unreduced 256-bit carry-less product a*b as its low and high halves and, by Karatsuba,
    // (a1 + a0)(b1 + b0) in middle: three multiplies instead of four. bFolded is Fold(b).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(
        Vector128<ulong> a, Vector128<ulong> b, Vector128<ulong> bFolded, ref Vector128<ulong> low, ref Vector128<ulong> middle, ref Vector128<ulong> high)
    {
        low ^= Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        high ^= Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        middle ^= Pclmulqdq.CarrylessMultiply(Fold(a), bFolded, 0x00);
    }

    // The two 64-bit halves xored, in both lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> a) => a ^ Sse2.Shuffle(a.AsUInt32(), 0x4E).AsUInt64();

    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        Vector128<ulong> low = default, middle = default, high = default;
        MultiplyAdd(a, b, Fold(b), ref low, ref middle, ref high);
        return Reduce(low, middle, high);
    }

    // Recovers the cross terms from Karatsuba's middle product and folds them in, shifts the 256-bit product left by one (the operands are bit-reflected) and
    // reduces it modulo the GCM polynomial: Gueron–Kounavis algorithm 5.
    private static Vector128<ulong> Reduce(Vector128<ulong> low, Vector128<ulong> middle, Vector128<ulong> high)
    {
        middle ^= low ^ high;
        var lo = (low ^ Sse2.ShiftLeftLogical128BitLane(middle, 8)).AsUInt32();
        var hi = (high ^ Sse2.ShiftRightLogical128BitLane(middle, 8)).AsUInt32();

        var carryLo = Sse2.ShiftRightLogical(lo, 31);
        var carryHi = Sse2.ShiftRightLogical(hi, 31);
        lo = Sse2.ShiftLeftLogical(lo, 1);
        hi = Sse2.ShiftLeftLogical(hi, 1);
        hi |= Sse2.ShiftRightLogical128BitLane(carryLo, 12) | Sse2.ShiftLeftLogical128BitLane(carryHi, 4);
        lo |= Sse2.ShiftLeftLogical128BitLane(carryLo, 4);

        var a = Sse2.ShiftLeftLogical(lo, 31) ^ Sse2.ShiftLeftLogical(lo, 30) ^ Sse2.ShiftLeftLogical(lo, 25);
        var spill = Sse2.ShiftRightLogical128BitLane(a, 4);
        lo ^= Sse2.ShiftLeftLogical128BitLane(a, 12);
        var b = Sse2.ShiftRightLogical(lo, 1) ^ Sse2.ShiftRightLogical(lo, 2) ^ Sse2.ShiftRightLogical(lo, 7) ^ spill;
        return (hi ^ lo ^ b).AsUInt64();
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
