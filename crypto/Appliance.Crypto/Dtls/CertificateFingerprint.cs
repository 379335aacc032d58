using System.Security.Cryptography;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// SHA-256 certificate fingerprints in the form SDP carries them (RFC 8122 section 5):
/// uppercase hex pairs joined by ':'.
/// </summary>
internal static class CertificateFingerprint
{
    internal const int Sha256Length = 32;

    // 32 pairs of hex digits and 31 colons.
    private const int TextLength = (Sha256Length * 3) - 1;

    internal static string Sha256(ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> digest = stackalloc byte[Sha256Length];
        SHA256.HashData(certificateDer, digest);
        return Format(digest);
    }

    internal static string Format(ReadOnlySpan<byte> digest)
    {
        return string.Create((digest.Length * 3) - 1, digest.ToArray(), static (chars, bytes) =>
        {
            const string Hex = "0123456789ABCDEF";
            for (var i = 0; i < bytes.Length; i++)
            {
                var at = i * 3;
                chars[at] = Hex[bytes[i] >> 4];
                chars[at + 1] = Hex[bytes[i] & 0xF];
                if (i + 1 < bytes.Length)
                {
                    chars[at + 2] = ':';
                }
            }
        });
    }

    /// <summary>
    /// Reads "AB:CD:..." (either case) into the 32 digest bytes. Returns false for anything else, including
    /// the "sha-256 " prefix of the SDP attribute, which the caller strips.
    /// </summary>
    internal static bool TryParseSha256(string? text, Span<byte> digest)
    {
        if (text is null || text.Length != TextLength || digest.Length != Sha256Length)
        {
            return false;
        }

        for (var i = 0; i < Sha256Length; i++)
        {
            var at = i * 3;
            if (i > 0 && text[at - 1] != ':')
            {
                return false;
            }

            var high = HexValue(text[at]);
            var low = HexValue(text[at + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            digest[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
