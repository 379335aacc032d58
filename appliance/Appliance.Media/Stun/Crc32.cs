namespace Appliance.Media.Stun;

/// <summary>
/// CRC-32 as in IEEE 802.3 (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), the
/// checksum FINGERPRINT is built on (RFC 8489 §14.7). Table-driven, one byte at a time: STUN messages
/// are short, and System.IO.Hashing is not a dependency we take for this.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>The register value before any byte.</summary>
    public const uint Start = 0xFFFFFFFF;

    /// <summary>Feeds more bytes into a running register.</summary>
    public static uint Append(uint register, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
        {
            register = table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return register;
    }

    /// <summary>The checksum of everything appended.</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFF;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var value = i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? 0xEDB88320 ^ (value >> 1) : value >> 1;
            }

            table[i] = value;
        }

        return table;
    }
}
