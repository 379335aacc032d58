using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;
using BcArgon2Parameters = Org.BouncyCastle.Crypto.Parameters.Argon2Parameters;

namespace Appliance.Crypto;

/// <summary>
/// Password hashing with Argon2id (RFC 9106), stored as PHC strings such as
/// <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c> so that parameters can be raised later.
/// </summary>
public static class PasswordHasher
{
    private const string Algorithm = "argon2id";
    private const int Version = 0x13;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Stored hashes are data an attacker may have written; these bounds keep a forged hash from
    // making Verify allocate gigabytes or spin for minutes.
    private const int MaxMemoryKiB = 1024 * 1024;
    private const int MaxIterations = 100;
    private const int MaxParallelism = 16;
    private const int MinSaltBytes = 8;
    private const int MaxSaltBytes = 64;
    private const int MinHashBytes = 16;
    private const int MaxHashBytes = 64;

    /// <summary>Hashes <paramref name="password"/> with <see cref="Argon2Parameters.Default"/>.</summary>
    public static string Hash(string password) => Hash(password, Argon2Parameters.Default);

    /// <summary>Hashes <paramref name="password"/> with a fresh 16-byte salt and the given parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The parameters are outside the accepted bounds.</exception>
    public static string Hash(string password, Argon2Parameters parameters)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!AreAcceptable(parameters))
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), parameters,
                "Argon2 parameters must satisfy 1 <= t <= 100, 1 <= p <= 16 and 8*p <= m <= 1 GiB.");
        }

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            var hash = DeriveRaw(passwordBytes, salt, null, null, parameters, HashBytes);
            var phc = string.Create(CultureInfo.InvariantCulture,
                $"${Algorithm}$v={Version}$m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${EncodeB64(salt)}${EncodeB64(hash)}");
            CryptographicOperations.ZeroMemory(hash);
            return phc;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches the PHC string, compared in constant time.
    /// Malformed, unsupported or unreasonably expensive hashes yield false rather than an exception.
    /// </summary>
    public static bool Verify(string password, string phcHash)
    {
        if (password is null || !TryParse(phcHash, out var parsed))
        {
            return false;
        }

        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            var actual = DeriveRaw(passwordBytes, parsed.Salt, null, null, parsed.Parameters, parsed.Hash.Length);
            var equal = CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
            CryptographicOperations.ZeroMemory(actual);
            return equal;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>
    /// Whether the stored hash should be replaced after the next successful login: its cost is below
    /// <see cref="Argon2Parameters.Default"/>, or it cannot be read at all.
    /// </summary>
    public static bool NeedsRehash(string phcHash)
    {
        var parameters = ReadParameters(phcHash);
        if (parameters is null)
        {
            return true;
        }

        var target = Argon2Parameters.Default;
        return parameters.MemoryKiB < target.MemoryKiB
            || parameters.Iterations < target.Iterations
            || parameters.Parallelism < target.Parallelism;
    }

    /// <summary>The parameters of a well-formed Argon2id PHC string, or null if it is not one we would verify.</summary>
    public static Argon2Parameters? ReadParameters(string phcHash) =>
        TryParse(phcHash, out var parsed) ? parsed.Parameters : null;

    /// <summary>Raw Argon2id (version 0x13); exposed to the tests for the RFC 9106 vector, which uses secret and associated data.</summary>
    internal static byte[] DeriveRaw(byte[] password, byte[] salt, byte[]? secret, byte[]? associatedData, Argon2Parameters p, int length)
    {
        var builder = new BcArgon2Parameters.Builder(BcArgon2Parameters.Argon2id)
            .WithVersion(Version)
            .WithMemoryAsKB(p.MemoryKiB)
            .WithIterations(p.Iterations)
            .WithParallelism(p.Parallelism)
            .WithSalt(salt);
        if (secret is not null)
        {
            builder = builder.WithSecret(secret);
        }

        if (associatedData is not null)
        {
            builder = builder.WithAdditional(associatedData);
        }

        var generator = new Argon2BytesGenerator();
        generator.Init(builder.Build());
        var output = new byte[length];
        generator.GenerateBytes(password, output);
        return output;
    }

    private static bool AreAcceptable(Argon2Parameters p) =>
        p.Iterations is >= 1 and <= MaxIterations
        && p.Parallelism is >= 1 and <= MaxParallelism
        && p.MemoryKiB <= MaxMemoryKiB
        && p.MemoryKiB >= 8 * p.Parallelism;

    private static bool TryParse(string? phc, out ParsedHash parsed)
    {
        parsed = default;
        if (phc is null)
        {
            return false;
        }

        // "$argon2id$v=19$m=..,t=..,p=..$salt$hash" splits into an empty first field and five more.
        var fields = phc.Split('$');
        if (fields.Length != 6 || fields[0].Length != 0 || fields[1] != Algorithm || fields[2] != "v=19")
        {
            return false;
        }

        var costs = fields[3].Split(',');
        if (costs.Length != 3
            || !TryReadCost(costs[0], "m=", out var memory)
            || !TryReadCost(costs[1], "t=", out var iterations)
            || !TryReadCost(costs[2], "p=", out var parallelism))
        {
            return false;
        }

        var parameters = new Argon2Parameters(memory, iterations, parallelism);
        if (!AreAcceptable(parameters)
            || !TryDecodeB64(fields[4], out var salt) || salt.Length is < MinSaltBytes or > MaxSaltBytes
            || !TryDecodeB64(fields[5], out var hash) || hash.Length is < MinHashBytes or > MaxHashBytes)
        {
            return false;
        }

        parsed = new ParsedHash(parameters, salt, hash);
        return true;
    }

    private static bool TryReadCost(string field, string prefix, out int value)
    {
        value = 0;
        // Digits only and at most 9 of them: no signs, spaces or overflow tricks from stored data.
        if (!field.StartsWith(prefix, StringComparison.Ordinal) || field.Length == prefix.Length || field.Length > prefix.Length + 9)
        {
            return false;
        }

        return int.TryParse(field.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // PHC strings use the standard base64 alphabet without padding.
    private static string EncodeB64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=');

    private static bool TryDecodeB64(string text, out byte[] data)
    {
        data = [];
        if (text.Length == 0 || text.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in text)
        {
            // Convert would silently skip whitespace and accept padding; PHC allows neither.
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/'))
            {
                return false;
            }
        }

        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        data = buffer[..written];
        return true;
    }

    private readonly record struct ParsedHash(Argon2Parameters Parameters, byte[] Salt, byte[] Hash);
}
