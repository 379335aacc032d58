using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Crypto;

/// <summary>
/// Opaque bearer secrets (invitation links, session and API tokens): the caller hands out the token
/// once and stores only its hash, so a leaked database does not leak usable tokens.
/// </summary>
public static class SecretToken
{
    private const int TokenBytes = 32;

    /// <summary>Length of a token produced by <see cref="Generate"/>: 32 bytes in unpadded base64url.</summary>
    private const int TokenLength = 43;

    private const int HashBytes = 32;

    /// <summary>Creates a new token of 256 random bits, base64url without padding (43 characters).</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(bytes);
        var token = Base64Url.EncodeToString(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return token;
    }

    /// <summary>SHA-256 of the UTF-8 token as 64 lowercase hex characters; this is what gets stored.</summary>
    /// <remarks>A plain hash is enough because the token carries 256 bits of entropy; a slow hash would only cost CPU.</remarks>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> digest = stackalloc byte[HashBytes];
        ComputeHash(token, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Whether <paramref name="token"/> hashes to <paramref name="expectedHash"/>, compared in constant time.
    /// Returns false for null, empty or malformed input and never throws.
    /// </summary>
    public static bool Matches(string token, string expectedHash)
    {
        if (string.IsNullOrEmpty(token) || expectedHash is null || expectedHash.Length != HashBytes * 2)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        var status = Convert.FromHexString(expectedHash, expected, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != HashBytes)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        ComputeHash(token, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Whether <paramref name="token"/> has the shape of a generated token (43 base64url characters).
    /// A cheap filter so that garbage from the network never reaches a database lookup.
    /// </summary>
    public static bool LooksValid(string? token)
    {
        if (token is null || token.Length != TokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!IsBase64UrlChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBase64UrlChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    private static void ComputeHash(string token, Span<byte> destination)
    {
        // Encoding.UTF8 replaces lone surrogates instead of throwing, which keeps Matches total.
        var bytes = Encoding.UTF8.GetBytes(token);
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }
}
