using System.Buffers.Binary;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// The SFrame header (RFC 9605 §4.3): a config byte, then the key id and the counter, each either packed into
/// three bits of the config byte (values below 8) or written big-endian in as few bytes as hold it.
/// </summary>
/// <remarks>
/// Parsing is strict: a value written longer than needed, or in extended form though it fits in three bits,
/// is refused, so that every (KID, CTR) has exactly one encoding and the header bytes authenticated as AAD
/// cannot be re-encoded by someone in the path.
/// </remarks>
public readonly record struct SframeHeader(ulong Kid, ulong Counter)
{
    /// <summary>The longest header: the config byte and two 8-byte values.</summary>
    public const int MaxLength = 17;

    private const int ExtendedFlag = 0x08;
    private const int PackedLimit = 8;

    /// <summary>How many bytes <see cref="Write"/> produces for this header.</summary>
    public int Length => 1 + ValueLength(Kid) + ValueLength(Counter);

    /// <summary>Reads the header at the start of <paramref name="source"/>.</summary>
    /// <returns>False, never throwing, when the bytes are too short or not the one encoding of their values.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out SframeHeader header, out int length)
    {
        header = default;
        length = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        var config = source[0];
        var offset = 1;
        if (!TryReadValue(source, config >> 4, ref offset, out var kid)
            || !TryReadValue(source, config & 0x0F, ref offset, out var counter))
        {
            return false;
        }

        header = new SframeHeader(kid, counter);
        length = offset;
        return true;
    }

    /// <summary>Writes the header to the start of <paramref name="destination"/> and returns its length.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="Length"/>.</exception>
    public int Write(Span<byte> destination)
    {
        var length = Length;
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too short for the SFrame header.", nameof(destination));
        }

        var offset = 1;
        var config = (WriteValue(destination, Kid, ref offset) << 4) | WriteValue(destination, Counter, ref offset);
        destination[0] = (byte)config;
        return length;
    }

    private static int ValueLength(ulong value) =>
        value < PackedLimit ? 0 : (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 7) / 8;

    // Returns the 4-bit nibble of the config byte that describes the value.
    private static int WriteValue(Span<byte> destination, ulong value, ref int offset)
    {
        if (value < PackedLimit)
        {
            return (int)value;
        }

        var valueLength = ValueLength(value);
        Span<byte> wide = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(wide, value);
        wide[(8 - valueLength)..].CopyTo(destination[offset..]);
        offset += valueLength;
        return ExtendedFlag | (valueLength - 1);
    }

    private static bool TryReadValue(ReadOnlySpan<byte> source, int nibble, ref int offset, out ulong value)
    {
        if ((nibble & ExtendedFlag) == 0)
        {
            value = (ulong)nibble;
            return true;
        }

        value = 0;
        var valueLength = (nibble & 0x07) + 1;
        if (source.Length - offset < valueLength)
        {
            return false;
        }

        foreach (var b in source.Slice(offset, valueLength))
        {
            value = (value << 8) | b;
        }

        offset += valueLength;

        // Only the shortest form is valid: a leading zero byte, or an extended value below 8, is a second
        // encoding of a value that has a shorter one.
        return value >= PackedLimit && ValueLength(value) == valueLength;
    }
}
