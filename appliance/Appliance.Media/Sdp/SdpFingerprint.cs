namespace Appliance.Media.Sdp;

/// <summary>
/// A SHA-256 certificate fingerprint as a=fingerprint carries it (RFC 8122 §5): 32 bytes written as
/// uppercase hex pairs joined by ':'. The only hash function we offer and accept: every browser we serve
/// uses SHA-256, and a weaker one (sha-1) would let a forged certificate pass.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> leaves the value out on purpose: fingerprints stay out of logs (STYLE.md).
/// </remarks>
public sealed class SdpFingerprint : IEquatable<SdpFingerprint>
{
    /// <summary>The hash function name as written in SDP (RFC 8122 §5, case-insensitive when read).</summary>
    public const string HashFunction = "sha-256";

    /// <summary>Bytes in a SHA-256 digest.</summary>
    public const int DigestLength = 32;

    // 32 pairs of hex digits and 31 colons.
    private const int TextLength = (DigestLength * 3) - 1;

    private readonly byte[] _digest;

    private SdpFingerprint(byte[] digest)
    {
        _digest = digest;
        Value = string.Create(TextLength, digest, static (chars, bytes) =>
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

    /// <summary>The fingerprint as SDP writes it after "sha-256 ": "AB:CD:...", uppercase.</summary>
    public string Value { get; }

    /// <summary>A fingerprint from the 32 bytes of a SHA-256 digest.</summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes long.</exception>
    public static SdpFingerprint FromDigest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestLength)
        {
            throw new ArgumentException($"A SHA-256 digest has {DigestLength} bytes.", nameof(digest));
        }

        return new SdpFingerprint(digest.ToArray());
    }

    /// <summary>Reads "AB:CD:..." (32 hex pairs in either case, joined by ':'), without the "sha-256 " prefix.</summary>
    public static bool TryParse(string? text, out SdpFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null || text.Length != TextLength)
        {
            return false;
        }

        var digest = new byte[DigestLength];
        for (var i = 0; i < DigestLength; i++)
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

        fingerprint = new SdpFingerprint(digest);
        return true;
    }

    /// <summary>Reads "AB:CD:..." as <see cref="TryParse"/> does.</summary>
    /// <exception cref="FormatException">The text is not 32 colon-separated hex pairs.</exception>
    public static SdpFingerprint Parse(string text) =>
        TryParse(text, out var fingerprint)
            ? fingerprint!
            : throw new FormatException("A SHA-256 fingerprint is 32 hex pairs joined by ':'.");

    /// <summary>The 32 digest bytes (a copy).</summary>
    public byte[] GetDigest() => (byte[])_digest.Clone();

    /// <summary>Whether a certificate's SHA-256 digest is this fingerprint.</summary>
    public bool Matches(ReadOnlySpan<byte> digest) => digest.SequenceEqual(_digest);

    /// <inheritdoc />
    public bool Equals(SdpFingerprint? other) => other is not null && Matches(other._digest);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SdpFingerprint);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_digest);

    /// <summary>The hash function only; the value stays out of logs.</summary>
    public override string ToString() => HashFunction;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
