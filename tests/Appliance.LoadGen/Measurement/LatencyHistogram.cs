using System.Numerics;

namespace Appliance.LoadGen.Measurement;

/// <summary>
/// Latencies in microseconds, in log-linear buckets (exact below 128 µs, then 64 buckets per power of two, so within
/// 1.6 %). Fixed size and allocation-free to record; one per receive thread, merged afterwards.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Linear = 128;
    private const int SubBuckets = 64;
    private const int MaxExponent = 40;

    private readonly long[] _counts = new long[Linear + (MaxExponent - 6) * SubBuckets];

    /// <summary>Samples recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records one sample; negative values count as 0.</summary>
    public void Record(long microseconds)
    {
        _counts[BucketOf(Math.Max(0, microseconds))]++;
        Count++;
    }

    /// <summary>Adds <paramref name="other"/>'s samples to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value below which <paramref name="quantile"/> of the samples lie (bucket's upper edge); 0 when empty.</summary>
    public double Quantile(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return UpperEdge(i);
            }
        }

        return UpperEdge(_counts.Length - 1);
    }

    private static int BucketOf(long value)
    {
        if (value < Linear)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - 6;
        var index = Linear + (msb - 7) * SubBuckets + (int)((value >> shift) - SubBuckets);
        return Math.Min(index, Linear + (MaxExponent - 6) * SubBuckets - 1);
    }

    private static double UpperEdge(int bucket)
    {
        if (bucket < Linear)
        {
            return bucket;
        }

        var offset = bucket - Linear;
        var msb = offset / SubBuckets + 7;
        var shift = msb - 6;
        return ((long)(offset % SubBuckets + SubBuckets + 1) << shift) - 1;
    }
}
