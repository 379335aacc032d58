namespace Appliance.Crypto;

/// <summary>Cost parameters of Argon2id as they appear in a PHC string (m, t, p).</summary>
/// <param name="MemoryKiB">Memory cost in KiB (m).</param>
/// <param name="Iterations">Number of passes over memory (t).</param>
/// <param name="Parallelism">Number of lanes (p).</param>
public sealed record Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>The OWASP minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.</summary>
    public static Argon2Parameters Default { get; } = new(19456, 2, 1);
}
