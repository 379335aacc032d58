namespace Appliance.Crypto.Tests.Srtp;

/// <summary>
/// Marsaglia's xorshift64: a deterministic stream of test bytes, so a failing fuzz case can be replayed
/// from its seed. Not for anything secret.
/// </summary>
internal sealed class XorShift64(ulong seed)
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    public ulong NextUInt64()
    {
        var x = _state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _state = x;
        return x;
    }

    /// <summary>Uniform enough for tests in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    public void NextBytes(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(NextUInt64() >> 56);
        }
    }
}
