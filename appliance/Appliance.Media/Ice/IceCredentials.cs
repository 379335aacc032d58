using System.Security.Cryptography;
using System.Text;

namespace Appliance.Media.Ice;

/// <summary>
/// One side's ICE username fragment and password (RFC 8445 §5.3, SDP syntax RFC 8839 §5.4). Both are
/// ice-chars only (ALPHA / DIGIT / "+" / "/"), so their bytes are their ASCII characters.
/// </summary>
public sealed class IceCredentials
{
    /// <summary>The 64 ice-chars; a power of two, so a uniform choice from it has no modulo bias.</summary>
    public const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Length of a generated ufrag: 48 bits of randomness (RFC 8445 asks for at least 24).</summary>
    public const int GeneratedUfragLength = 8;

    /// <summary>Length of a generated password: 144 bits of randomness (RFC 8445 asks for at least 128).</summary>
    public const int GeneratedPasswordLength = 24;

    /// <summary>Credentials from given values, e.g. a peer's from SDP or a test vector's.</summary>
    /// <exception cref="ArgumentException">A value is too short or too long, or has a character outside ice-char.</exception>
    public IceCredentials(string ufrag, string password)
    {
        // RFC 8839 §5.4: ufrag 4 to 256 ice-chars, password 22 to 256.
        Validate(ufrag, 4, nameof(ufrag));
        Validate(password, 22, nameof(password));
        Ufrag = ufrag;
        Password = password;
        UfragBytes = Encoding.ASCII.GetBytes(ufrag);
        PasswordBytes = Encoding.ASCII.GetBytes(password);
    }

    /// <summary>The username fragment, as in a=ice-ufrag.</summary>
    public string Ufrag { get; }

    /// <summary>The password, as in a=ice-pwd. A secret: never log it.</summary>
    public string Password { get; }

    internal byte[] UfragBytes { get; }

    /// <summary>The short-term credential key: the password's bytes (RFC 8489 §9.1.1).</summary>
    internal byte[] PasswordBytes { get; }

    /// <summary>Fresh random credentials from the operating system's CSPRNG.</summary>
    public static IceCredentials Generate() =>
        new(
            RandomNumberGenerator.GetString(IceChars, GeneratedUfragLength),
            RandomNumberGenerator.GetString(IceChars, GeneratedPasswordLength));

    /// <summary>Whether <paramref name="value"/> is a syntactically valid ufrag (4 to 256 ice-chars).</summary>
    public static bool IsValidUfrag(string? value) => value is not null && IsIceCharString(value, 4);

    /// <summary>The ufrag only; the password stays out of logs.</summary>
    public override string ToString() => Ufrag;

    private static void Validate(string value, int minimumLength, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (!IsIceCharString(value, minimumLength))
        {
            throw new ArgumentException(
                $"Must be {minimumLength} to 256 characters from A-Z, a-z, 0-9, '+' and '/'.", parameterName);
        }
    }

    private static bool IsIceCharString(string value, int minimumLength)
    {
        if (value.Length < minimumLength || value.Length > 256)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }
}
