namespace Appliance.Crypto;

/// <summary>
/// Base32 (RFC 4648 section 6), the encoding authenticator apps expect for TOTP secrets.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Encodes <paramref name="data"/> as uppercase base32 without '=' padding.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return string.Empty;
        }

        var chars = new char[((data.Length * 8) + 4) / 5];
        var buffer = 0;
        var bits = 0;
        var index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[index++] = Alphabet[(buffer >> bits) & 0x1F];
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 0x1F];
        }

        return new string(chars, 0, index);
    }

    /// <summary>
    /// Decodes base32 as people type it: case-insensitive, spaces anywhere and trailing '=' padding ignored.
    /// Returns false for any other character or for a length no encoder can produce.
    /// </summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        if (text is null)
        {
            return false;
        }

        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=');

        // 1, 3 or 6 symbols in the last quantum would carry fewer than 8 bits of a byte.
        if ((compact.Length % 8) is 1 or 3 or 6)
        {
            return false;
        }

        var output = new byte[compact.Length * 5 / 8];
        var buffer = 0;
        var bits = 0;
        var index = 0;
        foreach (var c in compact)
        {
            var value = ValueOf(c);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[index++] = (byte)(buffer >> bits);
            }
        }

        data = output;
        return true;
    }

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };
}
