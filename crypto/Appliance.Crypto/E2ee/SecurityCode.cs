using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Appliance.Crypto.E2ee;

/// <summary>
/// The code participants compare to know they see the same keys (README.md, "Security code"):
/// SHA-256("appliance security code v1" || epoch (4 bytes, big-endian) || the public keys sorted bytewise), whose
/// first 8 bytes as a big-endian integer modulo 10¹² are shown as three groups of four digits.
/// </summary>
public static class SecurityCode
{
    private const ulong Modulus = 1_000_000_000_000;

    private static ReadOnlySpan<byte> Domain => "appliance security code v1"u8;

    /// <summary>The code of a roster <paramref name="epoch"/> and its admitted participants' public keys, e.g. "0421 9983 1170".</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative.</exception>
    /// <exception cref="ArgumentException">A public key is not 32 bytes.</exception>
    public static string Compute(int epoch, IEnumerable<byte[]> publicKeys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentNullException.ThrowIfNull(publicKeys);
        var digest = Digest(epoch, publicKeys);
        var value = BinaryPrimitives.ReadUInt64BigEndian(digest) % Modulus;
        var digits = value.ToString("D12", CultureInfo.InvariantCulture);
        return $"{digits[..4]} {digits[4..8]} {digits[8..]}";
    }

    /// <summary>The SHA-256 the code is cut from (for known-answer data that helps another implementation debug).</summary>
    internal static byte[] Digest(int epoch, IEnumerable<byte[]> publicKeys)
    {
        var sorted = new List<byte[]>();
        foreach (var key in publicKeys)
        {
            if (key is not { Length: HpkeKeyPair.KeyLength })
            {
                throw new ArgumentException("Every public key is 32 bytes.", nameof(publicKeys));
            }

            sorted.Add(key);
        }

        sorted.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Domain);
        Span<byte> encodedEpoch = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(encodedEpoch, epoch);
        hash.AppendData(encodedEpoch);
        foreach (var key in sorted)
        {
            hash.AppendData(key);
        }

        return hash.GetHashAndReset();
    }
}
