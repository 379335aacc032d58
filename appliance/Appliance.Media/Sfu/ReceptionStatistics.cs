using Appliance.Media.Rtp;

namespace Appliance.Media.Sfu;

/// <summary>
/// What the router has received of one published stream, kept as RFC 3550 Appendix A.1 (sequence numbers),
/// A.3 (loss) and A.8 (interarrival jitter) describe, for the receiver reports sent back to the publisher.
/// Retransmissions are not counted, so the publisher's congestion control sees the loss on the network.
/// </summary>
internal sealed class ReceptionStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const uint SequenceModulo = 1 << 16;

    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence = SequenceModulo + 1;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private int _lastTransit;

    // The jitter estimate times 16, as in A.8, so that the division by 16 keeps its fraction.
    private long _jitter;

    /// <summary>Whether any packet has been counted.</summary>
    public bool HasData { get; private set; }

    /// <summary>Packets counted, duplicates included (A.3).</summary>
    public long Received => _received;

    /// <summary>The highest sequence number seen, with the count of wrap-arounds above it.</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Packets expected minus packets received; negative with duplicates.</summary>
    public long CumulativeLost => (long)ExtendedHighestSequence - _baseSequence + 1 - _received;

    /// <summary>The interarrival jitter in timestamp units.</summary>
    public uint Jitter => (uint)(_jitter >> 4);

    /// <summary>Counts one packet that arrived when the stream's clock read <paramref name="arrival"/>.</summary>
    public void OnPacket(ushort sequence, uint timestamp, uint arrival)
    {
        var transit = unchecked((int)(arrival - timestamp));
        if (!HasData)
        {
            HasData = true;
            Restart(sequence);
            _received = 1;
            _lastTransit = transit;
            return;
        }

        var delta = (ushort)(sequence - _maxSequence);
        if (delta < MaxDropout)
        {
            if (sequence < _maxSequence)
            {
                _cycles += SequenceModulo;
            }

            _maxSequence = sequence;
        }
        else if (delta <= SequenceModulo - MaxMisorder)
        {
            // A very large jump: believe it only when the next packet follows it (the source restarted).
            if (sequence != _badSequence)
            {
                _badSequence = (sequence + 1u) & (SequenceModulo - 1);
                return;
            }

            Restart(sequence);
        }

        // Else a duplicate or a reordered packet: counted, as A.1 does.
        _received++;

        var d = Math.Abs((long)unchecked(transit - _lastTransit));
        _lastTransit = transit;
        _jitter += d - ((_jitter + 8) >> 4);
    }

    /// <summary>The report block for this stream, moving the interval for the next fraction lost (A.3).</summary>
    public RtcpReportBlock CreateReportBlock(uint ssrc, uint lastSenderReport, uint delaySinceLastSenderReport)
    {
        var expected = (long)ExtendedHighestSequence - _baseSequence + 1;
        var expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        var receivedInterval = _received - _receivedPrior;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (lostInterval << 8) / expectedInterval;
        var cumulative = (int)Math.Clamp(expected - _received, -0x800000, 0x7FFFFF);
        return new RtcpReportBlock(
            ssrc, (byte)Math.Min(fraction, 255), cumulative, ExtendedHighestSequence, Jitter,
            lastSenderReport, delaySinceLastSenderReport);
    }

    private void Restart(ushort sequence)
    {
        _baseSequence = sequence;
        _maxSequence = sequence;
        _badSequence = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }
}
