namespace Appliance.Media.Tests;

/// <summary>
/// Marsaglia's xorshift64 (shifts 13, 7, 17): a seeded, repeatable source of garbage for fuzz loops.
/// Not for anything secret; System.Random is banned here, and a fixed seed makes failures reproducible.
/// </summary>
internal sealed class XorShift
{
    private ulong _state;

    public XorShift(ulong seed) => _state = seed == 0 ? 0x9E3779B97F4A7C15 : seed;

    public ulong Next()
    {
        var x = _state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _state = x;
        return x;
    }

    /// <summary>A value from 0 to <paramref name="bound"/> - 1 (slight modulo bias is fine for fuzzing).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)Next();
        }
    }
}
