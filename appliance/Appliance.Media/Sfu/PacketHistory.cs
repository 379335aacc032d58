namespace Appliance.Media.Sfu;

/// <summary>
/// The last packets of one published video stream, as received (with the MID blanked), indexed by extended
/// sequence number: the source of every retransmission to every subscriber of the stream. One copy per
/// publisher rather than per subscriber slot keeps a 50-person meeting within tens of megabytes.
/// </summary>
internal sealed class PacketHistory
{
    private readonly int _slotSize;
    private readonly int _mask;
    private byte[]? _data;
    private int[] _lengths = [];
    private long[] _sequences = [];

    public PacketHistory(int capacity, int slotSize)
    {
        _slotSize = slotSize;
        _mask = capacity - 1;
    }

    public void Store(long extendedSequence, ReadOnlySpan<byte> packet)
    {
        if (_data is null)
        {
            // Allocated with the first packet, not with the publication: a camera that is announced but off, or a
            // participant who has joined and sends nothing yet, costs no buffer (about 750 KB at the defaults).
            _data = GC.AllocateUninitializedArray<byte>((_mask + 1) * _slotSize);
            _lengths = new int[_mask + 1];
            _sequences = new long[_mask + 1];
            Array.Fill(_sequences, -1);
        }

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
        if (_data is null || extendedSequence < 0 || _sequences[index] != extendedSequence)
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

    public SentHistory(int capacity) => _mask = capacity - 1;

    /// <summary>Empty until the slot first sends: most slots of a large meeting never carry video.</summary>
    public SentPacket[] Entries { get; private set; } = [];

    public void Record(ushort sequence, uint timestamp, InboundStream source, long sourceSequence)
    {
        if (Entries.Length == 0)
        {
            Entries = new SentPacket[_mask + 1];
        }

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
        return Entries.Length != 0 && Entries[index].Valid && Entries[index].Sequence == sequence ? index : -1;
    }
}
