namespace Appliance.Crypto.Srtp;

/// <summary>
/// What a session remembers of one SSRC: the highest packet index seen (for RTP the 48-bit ROC || SEQ,
/// for RTCP the 31-bit SRTCP index) and, on the receiving side, which of the indexes just below it have
/// been accepted (RFC 3711 §3.3.2).
/// </summary>
internal sealed class SrtpStreamState
{
    internal const int WindowSize = 128;

    // Bit n set: index HighestIndex - n was accepted.
    private UInt128 _window;

    public SrtpStreamState(long firstIndex)
    {
        HighestIndex = firstIndex;
        _window = UInt128.One;
    }

    public long HighestIndex { get; private set; }

    /// <summary>Whether a packet with <paramref name="index"/> may still be accepted; changes nothing.</summary>
    public SrtpResult CheckReplay(long index)
    {
        var delta = index - HighestIndex;
        if (delta > 0)
        {
            return SrtpResult.Ok;
        }

        if (delta <= -WindowSize || index < 0)
        {
            return SrtpResult.TooOld;
        }

        return ((_window >> (int)-delta) & UInt128.One) != UInt128.Zero ? SrtpResult.ReplayedPacket : SrtpResult.Ok;
    }

    /// <summary>Records an authenticated packet; only call after <see cref="CheckReplay"/> said Ok.</summary>
    public void Accept(long index)
    {
        var delta = index - HighestIndex;
        if (delta > 0)
        {
            _window = delta >= WindowSize ? UInt128.One : (_window << (int)delta) | UInt128.One;
            HighestIndex = index;
        }
        else
        {
            _window |= UInt128.One << (int)-delta;
        }
    }

    /// <summary>Sender side: remember the highest index sent, for the next estimate.</summary>
    public void Advance(long index)
    {
        if (index > HighestIndex)
        {
            HighestIndex = index;
        }
    }
}
