using System.Globalization;

namespace Appliance.Media.Sdp;

/// <summary>Character classes and number forms of the SDP grammar (RFC 8866 §9) and its extensions.</summary>
internal static class SdpSyntax
{
    /// <summary>Longest identification tag we write: the sdes:mid header extension carries it in a
    /// one-byte extension element, which holds at most 16 bytes (RFC 8285 §4.2, RFC 8843 §15).</summary>
    public const int MaxMidLength = 16;

    /// <summary>Longest msid-id and msid-appdata (RFC 8830 §2).</summary>
    public const int MaxMsidLength = 64;

    /// <summary>Longest CNAME: an RTCP SDES item holds at most 255 bytes (RFC 3550 §6.5).</summary>
    public const int MaxCnameLength = 255;

    /// <summary>token-char (RFC 8866 §9): visible ASCII except the separators.</summary>
    public static bool IsTokenChar(char c) =>
        c == 0x21
        || (c >= 0x23 && c <= 0x27)
        || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
        || (c >= 0x30 && c <= 0x39)
        || (c >= 0x41 && c <= 0x5A)
        || (c >= 0x5E && c <= 0x7E);

    /// <summary>A token (1 or more token-chars) of at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsToken(string? value, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ice-char (RFC 8839 §5.1): ALPHA / DIGIT / "+" / "/".</summary>
    public static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/';

    /// <summary>1 or more ice-chars, between the given lengths.</summary>
    public static bool IsIceString(string? value, int minLength, int maxLength)
    {
        if (value is null || value.Length < minLength || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsIceChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Visible ASCII and spaces, nothing else (the body of an fmtp or a=ssrc value).</summary>
    public static bool IsVisibleText(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decimal digits only (no sign, no spaces), at most <paramref name="maxDigits"/> of them.</summary>
    public static bool IsDigits(ReadOnlySpan<char> value, int maxDigits)
    {
        if (value.IsEmpty || value.Length > maxDigits)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An integer from digits only, within [min, max].</summary>
    public static bool TryParseInt(ReadOnlySpan<char> value, int min, int max, out int result)
    {
        result = 0;
        if (!IsDigits(value, 10)
            || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var wide)
            || wide < min || wide > max)
        {
            return false;
        }

        result = (int)wide;
        return true;
    }

    /// <summary>An unsigned 32-bit integer (an SSRC) from digits only.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<char> value, out uint result)
    {
        result = 0;
        return IsDigits(value, 10) && uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>An unsigned 64-bit integer (an o= session id or version) from digits only.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<char> value, out ulong result)
    {
        result = 0;
        return IsDigits(value, 20) && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>A value cut to a length that is safe to put into an error message.</summary>
    public static string Excerpt(string value, int maxLength = 40) =>
        value.Length <= maxLength ? value : string.Concat(value.AsSpan(0, maxLength), "...");
}
