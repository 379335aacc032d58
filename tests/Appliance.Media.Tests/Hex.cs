namespace Appliance.Media.Tests;

/// <summary>Hex written as in the RFCs (bytes separated by spaces and line breaks) to bytes.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex)
    {
        var compact = new System.Text.StringBuilder(hex.Length);
        foreach (var c in hex)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        return Convert.FromHexString(compact.ToString());
    }
}
