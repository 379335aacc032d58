using System.Security.Cryptography;
using Appliance.Crypto;

namespace Appliance.Core.Identity;

/// <summary>Random identifiers: unguessable, URL-safe and case-insensitive.</summary>
public static class Ids
{
    private static readonly System.Buffers.SearchValues<char> Alphabet = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz234567");

    /// <summary>A new id of 128 random bits as 26 lower-case base32 characters.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
#pragma warning disable CA1308 // Ids are lower-case by design: they appear in URLs people may read aloud.
        return Base32.Encode(bytes).ToLowerInvariant();
#pragma warning restore CA1308
    }

    /// <summary>True for a string shaped like an id from <see cref="New"/>; a cheap check before any lookup.</summary>
    public static bool LooksValid(string? id) =>
        id is { Length: 26 } && !id.AsSpan().ContainsAnyExcept(Alphabet);
}
