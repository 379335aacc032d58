using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Appliance.Crypto;

/// <summary>
/// Time-based one-time passwords (RFC 6238) with HMAC-SHA1, 6 digits and 30-second steps:
/// the only profile every authenticator app implements.
/// </summary>
public static class Totp
{
    private const int SecretBytes = 20;
    private const int StepSeconds = 30;
    private const int CodeDigits = 6;

    /// <summary>A new random 160-bit secret, the length RFC 4226 recommends for HMAC-SHA1.</summary>
    public static byte[] GenerateSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The 30-second step since the Unix epoch that contains <paramref name="at"/>.</summary>
    public static long TimeStep(DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        // Floor rather than truncate, so that times before 1970 do not share step 0.
        return seconds >= 0 ? seconds / StepSeconds : ((seconds + 1) / StepSeconds) - 1;
    }

    /// <summary>
    /// The code for <paramref name="timeStep"/> (the HOTP counter of RFC 4226), zero-padded to
    /// <paramref name="digits"/> (6 to 8) digits.
    /// </summary>
    public static string Compute(ReadOnlySpan<byte> secret, long timeStep, int digits = CodeDigits)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret must not be empty.", nameof(secret));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(timeStep);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);

        return ComputeValue(secret, timeStep, digits)
            .ToString(CultureInfo.InvariantCulture)
            .PadLeft(digits, '0');
    }

    /// <summary>
    /// Checks a 6-digit <paramref name="code"/> against the steps just before, at and after
    /// <paramref name="now"/>, accepting only steps later than <paramref name="lastUsedStep"/> so
    /// that a code cannot be replayed. On success <paramref name="matchedStep"/> is the step to store
    /// as the new last used step; otherwise it is 0.
    /// </summary>
    public static bool TryVerify(ReadOnlySpan<byte> secret, string code, DateTimeOffset now, long lastUsedStep, out long matchedStep)
    {
        matchedStep = 0;
        if (secret.IsEmpty || code is null)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[CodeDigits];
        var length = 0;
        foreach (var c in code)
        {
            if (c == ' ')
            {
                continue;
            }

            // char.IsDigit would accept other scripts' digits; only ASCII codes come from an authenticator.
            if (c is < '0' or > '9' || length == CodeDigits)
            {
                return false;
            }

            given[length++] = (byte)c;
        }

        if (length != CodeDigits)
        {
            return false;
        }

        var current = TimeStep(now);
        var found = false;
        Span<byte> expected = stackalloc byte[CodeDigits];
        // Every candidate step is computed and compared, so timing does not reveal which step matched.
        for (var step = current - 1; step <= current + 1; step++)
        {
            if (step < 0 || step <= lastUsedStep)
            {
                continue;
            }

            WriteDigits(ComputeValue(secret, step, CodeDigits), expected);
            if (CryptographicOperations.FixedTimeEquals(given, expected) && !found)
            {
                found = true;
                matchedStep = step;
            }
        }

        return found;
    }

    /// <summary>
    /// The <c>otpauth://totp/</c> URI that authenticator apps read from a QR code, with issuer and
    /// account name percent-encoded.
    /// </summary>
    /// <exception cref="ArgumentException">Issuer or account name is empty or contains ':', which the label format reserves.</exception>
    public static string ProvisioningUri(string issuer, string accountName, ReadOnlySpan<byte> secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        if (issuer.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The issuer must not contain ':'.", nameof(issuer));
        }

        if (accountName.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The account name must not contain ':'.", nameof(accountName));
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret must not be empty.", nameof(secret));
        }

        var escapedIssuer = Uri.EscapeDataString(issuer);
        return string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{escapedIssuer}:{Uri.EscapeDataString(accountName)}?secret={Base32.Encode(secret)}&issuer={escapedIssuer}&algorithm=SHA1&digits={CodeDigits}&period={StepSeconds}");
    }

    private static int ComputeValue(ReadOnlySpan<byte> secret, long counter, int digits)
    {
        Span<byte> message = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 6238 authenticator apps implement only HMAC-SHA1; HMAC does not rely on SHA-1 collision resistance.
        HMACSHA1.HashData(secret, message, mac);
#pragma warning restore CA5350

        // RFC 4226 section 5.3 dynamic truncation.
        var offset = mac[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac.Slice(offset, 4)) & 0x7FFFFFFF;
        CryptographicOperations.ZeroMemory(mac);
        return binary % Pow10(digits);
    }

    private static int Pow10(int digits)
    {
        var result = 1;
        for (var i = 0; i < digits; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static void WriteDigits(int value, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
