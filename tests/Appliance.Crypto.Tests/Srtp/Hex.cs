namespace Appliance.Crypto.Tests.Srtp;

/// <summary>Hex as the RFCs print it: any case, grouped with spaces.</summary>
internal static class Hex
{
    public static byte[] Parse(string hex)
    {
        var digits = new System.Text.StringBuilder(hex.Length);
        foreach (var c in hex)
        {
            if (!char.IsWhiteSpace(c))
            {
                digits.Append(c);
            }
        }

        return Convert.FromHexString(digits.ToString());
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
