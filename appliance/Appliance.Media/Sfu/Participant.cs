namespace Appliance.Media.Sfu;

/// <summary>One participant: the streams it publishes and the slots it receives.</summary>
internal sealed class Participant
{
    public Participant(ParticipantKey key, long joinOrder, VideoSlot[] videoSlots, VideoSlot screenSlot, SpeechActivity speech)
    {
        Key = key;
        JoinOrder = joinOrder;
        VideoSlots = videoSlots;
        ScreenSlot = screenSlot;
        Speech = speech;
        NextAudioSlotId = videoSlots.Length + 1;
    }

    public ParticipantKey Key { get; }

    public long JoinOrder { get; }

    public InboundStream? Audio { get; set; }

    public InboundStream? Video { get; set; }

    public InboundStream? Screen { get; set; }

    public VideoSlot[] VideoSlots { get; }

    public VideoSlot ScreenSlot { get; }

    /// <summary>One slot per other participant who publishes audio.</summary>
    public List<AudioSlot> AudioSlots { get; } = new(64);

    public int NextAudioSlotId { get; set; }

    public long LayoutVersion { get; set; } = 1;

    /// <summary>Changes only when slots appear or disappear, which needs a new SDP offer; a change of source does not.</summary>
    public long StructureVersion { get; set; } = 1;

    /// <summary>Retransmissions this participant may still get now (token bucket).</summary>
    public double RetransmissionTokens { get; set; }

    public long RetransmissionTokensTicks { get; set; } = long.MinValue;

    public SubscriberLayout? Layout { get; set; }

    public CounterSet Counters { get; } = new();

    public SpeechActivity Speech { get; }

    public bool Speaking { get; set; }

    public long Loudness { get; set; }

    // Marks for the last-N assignment, compared with the router's current stamp instead of clearing sets.
    public int DesiredStamp { get; set; }

    public int PlacedStamp { get; set; }

    /// <summary>The published stream that uses <paramref name="ssrc"/>, as media or (isRtx) as retransmission.</summary>
    public InboundStream? FindStream(uint ssrc, out bool isRtx)
    {
        isRtx = false;
        foreach (var stream in (ReadOnlySpan<InboundStream?>)[Audio, Video, Screen])
        {
            if (stream is null)
            {
                continue;
            }

            if (stream.Ssrc == ssrc)
            {
                return stream;
            }

            if (stream.RtxSsrc == ssrc)
            {
                isRtx = true;
                return stream;
            }
        }

        return null;
    }

    /// <summary>The video or screen slot this participant receives on <paramref name="ssrc"/>.</summary>
    public VideoSlot? FindSlot(uint ssrc)
    {
        foreach (var slot in VideoSlots)
        {
            if (slot.Ssrc == ssrc)
            {
                return slot;
            }
        }

        return ScreenSlot.Ssrc == ssrc ? ScreenSlot : null;
    }
}

/// <summary>One published track as the router receives it.</summary>
internal sealed class InboundStream
{
    public InboundStream(Participant owner, PublishedTrack track, int rtxPayloadType, PacketHistory? history)
    {
        Owner = owner;
        Track = track;
        RtxPayloadType = rtxPayloadType;
        History = history;
        ClockRate = SfuOptions.ClockRate(track.Kind);
    }

    public Participant Owner { get; }

    public PublishedTrack Track { get; }

    public TrackKind Kind => Track.Kind;

    public uint Ssrc => Track.Ssrc;

    public uint? RtxSsrc => Track.RtxSsrc;

    public int PayloadType => Track.PayloadType;

    public int RtxPayloadType { get; }

    public int ClockRate { get; }

    /// <summary>Video and screen: the packets kept for retransmission; null for audio and once unpublished.</summary>
    public PacketHistory? History { get; set; }

    public ReceptionStatistics Reception { get; } = new();

    /// <summary>Audio: the subscribers' slots for this stream.</summary>
    public List<AudioSlot> AudioSinks { get; } = new(64);

    /// <summary>Video and screen: every slot whose current or assigned source this is.</summary>
    public List<VideoSlot> Sinks { get; } = new(64);

    public long HighestSequence { get; private set; } = -1;

    public uint LastTimestamp { get; set; }

    public long LastTimestampTicks { get; set; }

    public bool HasSenderReport { get; set; }

    public ulong SenderReportNtp { get; set; }

    public uint SenderReportRtp { get; set; }

    public long SenderReportTicks { get; set; }

    public long LastKeyframeRequestTicks { get; set; } = long.MinValue;

    public byte FirSequence { get; set; }

    /// <summary>The sequence number extended with its roll-overs, relative to the highest seen.</summary>
    public long Extend(ushort sequence)
    {
        if (HighestSequence < 0)
        {
            HighestSequence = sequence;
            return sequence;
        }

        var extended = HighestSequence + (short)(sequence - (ushort)HighestSequence);
        if (extended > HighestSequence)
        {
            HighestSequence = extended;
        }

        return extended;
    }
}

/// <summary>A subscriber's receipt of one publisher's audio, under the publisher's own SSRC.</summary>
internal sealed class AudioSlot(int id, Participant subscriber, InboundStream source)
{
    public int Id { get; } = id;

    public Participant Subscriber { get; } = subscriber;

    public InboundStream Source { get; } = source;

    public long Packets { get; set; }

    public long Octets { get; set; }
}

/// <summary>
/// A subscriber's video or screen slot: one outgoing stream under the router's SSRC, showing one source at a time,
/// with sequence numbers and timestamps kept continuous across changes of source.
/// </summary>
internal sealed class VideoSlot(int id, TrackKind kind, uint ssrc, uint rtxSsrc, int historyPackets)
{
    public int Id { get; } = id;

    public TrackKind Kind { get; } = kind;

    public uint Ssrc { get; } = ssrc;

    public uint RtxSsrc { get; } = rtxSsrc;

    // Set right after the participant is made: the participant and its slots refer to each other.
    public Participant Subscriber { get; set; } = null!;

    /// <summary>The source the slot should show.</summary>
    public InboundStream? Assigned { get; set; }

    /// <summary>The source the slot forwards; differs from <see cref="Assigned"/> until the assigned one's key frame.</summary>
    public InboundStream? Current { get; set; }

    public bool HasSent { get; set; }

    public ushort LastSequence { get; set; }

    public uint LastTimestamp { get; set; }

    public long LastTimestampTicks { get; set; }

    /// <summary>Outgoing sequence = source sequence + offset (mod 2^16) for the current source.</summary>
    public ushort SequenceOffset { get; set; }

    /// <summary>Outgoing timestamp = source timestamp + offset (mod 2^32) for the current source.</summary>
    public uint TimestampOffset { get; set; }

    /// <summary>The current source's extended sequence number at the switch; earlier packets are not sent.</summary>
    public long SwitchSourceSequence { get; set; }

    /// <summary>The outgoing sequence number of the first packet of the current source.</summary>
    public ushort SwitchSequence { get; set; }

    public ushort RtxSequence { get; set; }

    public long Packets { get; set; }

    public long Octets { get; set; }

    public int KeepStamp { get; set; }

    public SentHistory History { get; } = new(historyPackets);
}

/// <summary>The mutable counters behind <see cref="ParticipantCounters"/>.</summary>
internal sealed class CounterSet
{
    public long RtpReceived;
    public long RtpSent;
    public long RtxSent;
    public long DroppedMalformed;
    public long DroppedUnknownSsrc;
    public long DroppedPayloadType;
    public long DroppedOversized;
    public long DroppedPaddingOnly;
    public long HeldForKeyframe;
    public long RtcpReceived;
    public long RtcpMalformed;
    public long SenderReportsReceived;
    public long KeyframeRequestsReceived;
    public long KeyframeRequestsSent;
    public long KeyframeRequestsSuppressed;
    public long NackedPacketsServed;
    public long NackedPacketsMissed;
    public long NackedPacketsThrottled;
    public long NacksForwarded;
    public long SenderReportsSent;
    public long ReceiverReportsSent;

    public ParticipantCounters ToSnapshot() => new(
        RtpReceived, RtpSent, RtxSent, DroppedMalformed, DroppedUnknownSsrc, DroppedPayloadType, DroppedOversized,
        DroppedPaddingOnly, HeldForKeyframe, RtcpReceived, RtcpMalformed, SenderReportsReceived, KeyframeRequestsReceived,
        KeyframeRequestsSent, KeyframeRequestsSuppressed, NackedPacketsServed, NackedPacketsMissed, NackedPacketsThrottled,
        NacksForwarded, SenderReportsSent, ReceiverReportsSent);
}

/// <summary>
/// The router's own SSRCs (slot streams, RTX, reports), drawn from a seeded SplitMix64 sequence so tests are
/// repeatable, and kept apart from every SSRC a publisher uses.
/// </summary>
internal sealed class SsrcAllocator(ulong seed)
{
    private readonly HashSet<uint> _inUse = [];
    private ulong _state = seed;

    public bool IsInUse(uint ssrc) => _inUse.Contains(ssrc);

    public void Reserve(uint ssrc) => _inUse.Add(ssrc);

    public void Release(uint ssrc) => _inUse.Remove(ssrc);

    public uint Allocate()
    {
        while (true)
        {
            _state += 0x9E3779B97F4A7C15;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            var ssrc = (uint)(z ^ (z >> 31));
            if (ssrc != 0 && _inUse.Add(ssrc))
            {
                return ssrc;
            }
        }
    }
}
