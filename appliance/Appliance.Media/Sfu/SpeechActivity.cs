namespace Appliance.Media.Sfu;

/// <summary>
/// One participant's recent speech, from the RFC 6464 levels of its audio packets: a sliding window of time
/// buckets, so that silence without packets (DTX) ages the window as well as quiet packets do.
/// </summary>
internal sealed class SpeechActivity
{
    private readonly long _bucketTicks;
    private readonly int[] _packets;
    private readonly int[] _speech;
    private readonly long[] _loudness;
    private long _bucket = long.MinValue;

    public SpeechActivity(long bucketTicks, int buckets)
    {
        _bucketTicks = bucketTicks;
        _packets = new int[buckets];
        _speech = new int[buckets];
        _loudness = new long[buckets];
    }

    /// <summary>Counts one audio packet: whether it is speech, and how loud (127 minus its level).</summary>
    public void Record(bool isSpeech, int level, long nowTicks)
    {
        Advance(nowTicks);
        var index = Index(_bucket);
        _packets[index]++;
        if (isSpeech)
        {
            _speech[index]++;
            _loudness[index] += 127 - level;
        }
    }

    /// <summary>
    /// How many buckets of the window are voiced (most of their packets speech), and the loudness summed over the
    /// window's speech packets.
    /// </summary>
    public int Evaluate(long nowTicks, out long loudness)
    {
        Advance(nowTicks);
        loudness = 0;
        var voiced = 0;
        for (var i = 0; i < _packets.Length; i++)
        {
            if (_speech[i] > 0 && 2 * _speech[i] >= _packets[i])
            {
                voiced++;
            }

            loudness += _loudness[i];
        }

        return voiced;
    }

    private void Advance(long nowTicks)
    {
        var bucket = FloorDiv(nowTicks, _bucketTicks);
        if (_bucket == long.MinValue)
        {
            _bucket = bucket;
            return;
        }

        if (bucket <= _bucket)
        {
            return;
        }

        var steps = (int)Math.Min(bucket - _bucket, _packets.Length);
        for (var i = 1; i <= steps; i++)
        {
            var index = Index(_bucket + i);
            _packets[index] = 0;
            _speech[index] = 0;
            _loudness[index] = 0;
        }

        _bucket = bucket;
    }

    private int Index(long bucket) => (int)(((bucket % _packets.Length) + _packets.Length) % _packets.Length);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
