using System.Globalization;

namespace Appliance.Core.Classification;

/// <summary>WCAG 2.1 contrast arithmetic, so that every marking banner stays readable whatever colour an officer picks.</summary>
public static class Contrast
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>True for a colour written as #rrggbb.</summary>
    public static bool IsHexColour(string value) =>
        value.Length == 7 && value[0] == '#' && !value.AsSpan(1).ContainsAnyExcept(HexDigits);

    /// <summary>The WCAG relative luminance of #rrggbb.</summary>
    public static double RelativeLuminance(string hex)
    {
        if (!IsHexColour(hex))
        {
            throw new ArgumentException("Colour must be #rrggbb.", nameof(hex));
        }

        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(1)) + (0.7152 * Channel(3)) + (0.0722 * Channel(5));
    }

    /// <summary>The contrast ratio between two colours (1 to 21).</summary>
    public static double Ratio(string a, string b)
    {
        var la = RelativeLuminance(a);
        var lb = RelativeLuminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>#000000 or #ffffff, whichever has the higher contrast with the background.</summary>
    public static string BestTextColour(string background) =>
        Ratio(background, "#000000") >= Ratio(background, "#ffffff") ? "#000000" : "#ffffff";
}
