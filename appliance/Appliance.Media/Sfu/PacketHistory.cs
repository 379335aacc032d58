namespace Appliance.Media.Sfu;

/// <summary>
/// The last packets of one published video stream, as received (with the MID blanked), indexed by extended
/// sequence number: the source of every retransmission to every subscriber of the stream. One copy per
/// publisher rather than per subscriber slot keeps a 50-person meeting within tens of megabytes.
/// </summary>
internal sealed class PacketHistory
{
    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly long[] _sequences;
    private readonly int _slotSize;
    private readonly int _mask;

    public PacketHistory(int capacity, int slotSize)
    {
        _slotSize = slotSize;
        _mask = capacity - 1;
        _data = new byte[capacity * slotSize];
        _lengths = new int[capacity];
        _sequences = new long[capacity];
        Array.Fill(_sequences, -1);
    }

    public void Store(long extendedSequence, ReadOnlySpan<byte> packet)
    {
        var index = (int)(extendedSequence & _mask);
        if (packet.Length > _slotSize)
        {
            _sequences[index] = -1;
            return;
        }

        packet.CopyTo(_data.AsSpan(index * _slotSize, _slotSize));
        _lengths[index] = packet.Length;
        _sequences[index] = extendedSequence;
    }

    public bool TryGet(long extendedSequence, out ReadOnlySpan<byte> packet)
    {
        var index = (int)(extendedSequence & _mask);
        if (extendedSequence < 0 || _sequences[index] != extendedSequence)
        {
            packet = default;
            return false;
        }

        packet = _data.AsSpan(index * _slotSize, _lengths[index]);
        return true;
    }
}

/// <summary>What a subscriber's video slot sent under one outgoing sequence number: enough to send it again.</summary>
internal struct SentPacket
{
    public bool Valid;
    public ushort Sequence;
    public uint Timestamp;
    public InboundStream? Source;
    public long SourceSequence;
    public long LastResentTicks;
}

/// <summary>The last packets a video slot sent, by outgoing sequence number, pointing into the sources' histories.</summary>
internal sealed class SentHistory
{
    private readonly int _mask;

    public SentHistory(int capacity)
    {
        _mask = capacity - 1;
        Entries = new SentPacket[capacity];
    }

    public SentPacket[] Entries { get; }

    public void Record(ushort sequence, uint timestamp, InboundStream source, long sourceSequence)
    {
        ref var entry = ref Entries[sequence & _mask];
        entry.Valid = true;
        entry.Sequence = sequence;
        entry.Timestamp = timestamp;
        entry.Source = source;
        entry.SourceSequence = sourceSequence;
        entry.LastResentTicks = long.MinValue;
    }

    /// <summary>The index of the entry for <paramref name="sequence"/>, or -1.</summary>
    public int IndexOf(ushort sequence)
    {
        var index = sequence & _mask;
        return Entries[index].Valid && Entries[index].Sequence == sequence ? index : -1;
    }
}
