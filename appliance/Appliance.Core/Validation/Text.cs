using System.Globalization;
using System.Text;

namespace Appliance.Core.Validation;

/// <summary>Checks shared by every free-text field that comes from outside.</summary>
public static class Text
{
    /// <summary>
    /// Trims and normalises (NFC) a text; returns null for null or white space.
    /// </summary>
    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();

        // Normalisation throws on an unpaired surrogate; such a text is returned as it is and IsSafe refuses it.
        if (!IsWellFormed(trimmed))
        {
            return trimmed;
        }

        return trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the text has no control characters other than line breaks and tabs (when <paramref name="multiline"/>),
    /// no unpaired surrogates and no bidirectional overrides that could disguise what a person reads.
    /// </summary>
    public static bool IsSafe(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (char.IsLowSurrogate(c))
            {
                return false;
            }

            if (multiline && (c == '\n' || c == '\r' || c == '\t'))
            {
                continue;
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format && !IsAllowedFormat(c))
            {
                return false;
            }
        }

        return true;
    }

    // Zero-width joiners are part of ordinary emoji and some scripts; bidi overrides (U+202A..U+202E, U+2066..U+2069) are not allowed.
    private static bool IsAllowedFormat(char c) => c is '\u200C' or '\u200D';

    /// <summary>Validates a required single-line field and returns its cleaned value (or null with an error added).</summary>
    public static string? Required(ValidationErrors errors, string field, string? value, int maxLength, bool multiline = false)
    {
        var cleaned = Clean(value);
        if (cleaned is null)
        {
            errors.Add(field, Messages.Required);
            return null;
        }

        return Check(errors, field, cleaned, maxLength, multiline);
    }

    /// <summary>Validates an optional field and returns its cleaned value (null when empty).</summary>
    public static string? Optional(ValidationErrors errors, string field, string? value, int maxLength, bool multiline = false)
    {
        var cleaned = Clean(value);
        return cleaned is null ? null : Check(errors, field, cleaned, maxLength, multiline);
    }

    private static string? Check(ValidationErrors errors, string field, string cleaned, int maxLength, bool multiline)
    {
        if (cleaned.Length > maxLength)
        {
            errors.Add(field, Messages.TooLong);
            return null;
        }

        if (!IsSafe(cleaned, multiline))
        {
            errors.Add(field, Messages.InvalidCharacters);
            return null;
        }

        return multiline ? cleaned.Replace("\r\n", "\n", StringComparison.Ordinal) : cleaned;
    }

    /// <summary>A deliberately simple e-mail check: one '@', something on each side, a dot in the domain, no spaces.</summary>
    public static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return false;
        }

        var domain = value.AsSpan(at + 1);
        return domain.Contains('.') && !domain.StartsWith(".") && !domain.EndsWith(".") &&
               !value.Any(char.IsWhiteSpace) && value.Length <= 254;
    }
}
