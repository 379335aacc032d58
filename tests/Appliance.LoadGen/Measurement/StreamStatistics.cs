namespace Appliance.LoadGen.Measurement;

/// <summary>
/// What one receiver got on one SSRC: packets, the highest extended sequence number, and the RFC 3550 interarrival
/// jitter computed from the sender's stamp instead of the RTP timestamp (the sender's clock is ours). Written by one
/// receive thread; read by the measuring thread through the snapshot fields.
/// </summary>
internal sealed class StreamStatistics
{
    private long _received;
    private long _highest = -1;
    private int _lastSequence = -1;
    private long _lastTransit;
    private double _jitterTicks;

    public StreamStatistics(int publisher, Trace.StreamKind kind)
    {
        Publisher = publisher;
        Kind = kind;
    }

    public int Publisher { get; }

    public Trace.StreamKind Kind { get; }

    public long Received => Volatile.Read(ref _received);

    /// <summary>Highest extended sequence number seen, or -1.</summary>
    public long Highest => Volatile.Read(ref _highest);

    /// <summary>Jitter in stopwatch ticks.</summary>
    public double JitterTicks => Volatile.Read(ref _jitterTicks);

    public void Record(ushort sequence, long transitTicks)
    {
        long extended;
        if (_lastSequence < 0)
        {
            extended = sequence;
        }
        else
        {
            // The signed 16-bit distance from the highest so far extends the number across wraps and reordering.
            var delta = (short)(sequence - (ushort)_lastSequence);
            extended = _highest + delta;
        }

        if (extended > _highest || _lastSequence < 0)
        {
            Volatile.Write(ref _highest, extended);
            _lastSequence = sequence;
        }

        if (_received > 0)
        {
            var d = Math.Abs(transitTicks - _lastTransit);
            Volatile.Write(ref _jitterTicks, _jitterTicks + (d - _jitterTicks) / 16.0);
        }

        _lastTransit = transitTicks;
        Volatile.Write(ref _received, _received + 1);
    }
}
