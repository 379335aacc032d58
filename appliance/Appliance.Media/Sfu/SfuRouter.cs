namespace Appliance.Media.Sfu;

/// <summary>
/// The forwarding core of one meeting: takes each participant's decrypted RTP and RTCP, and sends each subscriber
/// what it should receive, through <see cref="IRtpOutput"/>, which protects and sends. No sockets, no
/// cryptography, no decoding: payloads (end-to-end encrypted frames) pass through untouched.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe, by design: every call — membership, packets, ticks, queries — must come from one thread (the
/// meeting's media loop). That keeps the per-packet path free of locks.
/// </para>
/// <para>
/// Each subscriber receives one audio slot per other participant who publishes audio (the publisher's SSRC,
/// unchanged), <see cref="SfuOptions.LastN"/> video slots showing the most recently dominant speakers (never the
/// subscriber), and one screen slot showing the most recent screen share by someone else. Video and screen slots
/// have SSRCs of their own; sequence numbers and timestamps stay continuous when a slot changes source, and a
/// slot changes source only at the new source's key frame. <see cref="OnTick"/>, called about every 50 ms, judges
/// who speaks, reassigns slots, asks for key frames and sends sender and receiver reports.
/// </para>
/// <para>
/// Every input is validated; a malformed or unexpected packet is counted against its sender and dropped, and
/// never throws. After warm-up, <see cref="OnRtp"/>, <see cref="OnRtcp"/> and <see cref="OnTick"/> allocate
/// nothing: packets are rewritten in one scratch buffer that <see cref="IRtpOutput"/> must not keep.
/// </para>
/// </remarks>
public sealed partial class SfuRouter
{
    private readonly IRtpOutput _output;
    private readonly SfuOptions _options;
    private readonly Dictionary<int, Participant> _participants = [];

    // Everyone, in join order.
    private readonly List<Participant> _members = new(64);

    // Everyone, most recently dominant first, then those never dominant in join order.
    private readonly List<Participant> _speakerOrder = new(64);

    // Published screens, in the order they started.
    private readonly List<InboundStream> _screens = new(8);

    private readonly SsrcAllocator _ssrcs;
    private readonly byte[] _rtpScratch;
    private readonly byte[] _unwrapScratch;
    private readonly byte[] _rtcpScratch = new byte[MaxRtcpPacket];
    private readonly long _keyframeIntervalTicks;
    private readonly long _reportIntervalTicks;
    private readonly long _minRetransmitTicks;
    private readonly long _speechBucketTicks;
    private readonly int _speechBuckets;
    private readonly int _sustainedBuckets;

    private int _nextKey = 1;
    private long _joinCounter;
    private int _stamp;
    private bool _assignmentsDirty;
    private long _nextReportTicks = long.MinValue;
    private Participant? _dominant;

    /// <summary>A router that sends through <paramref name="output"/>.</summary>
    public SfuRouter(IRtpOutput output, SfuOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _output = output;
        _options = options;
        _ssrcs = new SsrcAllocator(options.SsrcSeed);
        RouterSsrc = _ssrcs.Allocate();
        _rtpScratch = new byte[options.MaxPacketSize + 2];
        _unwrapScratch = new byte[options.MaxPacketSize];
        _keyframeIntervalTicks = options.ToTicks(options.KeyframeRequestInterval);
        _reportIntervalTicks = Math.Max(1, options.ToTicks(options.ReportInterval));
        _minRetransmitTicks = options.ToTicks(options.MinRetransmissionInterval);
        _speechBucketTicks = Math.Max(1, options.ToTicks(options.SpeechBucket));
        _speechBuckets = (int)(options.SpeechWindow.Ticks / options.SpeechBucket.Ticks);
        _sustainedBuckets = Math.Max(1, (int)Math.Ceiling(options.SustainedSpeech.Ticks / (double)options.SpeechBucket.Ticks));
    }

    /// <summary>The SSRC the router reports and requests under (RR, PLI, FIR, NACK to publishers).</summary>
    public uint RouterSsrc { get; }

    /// <summary>How many participants are in the meeting.</summary>
    public int ParticipantCount => _members.Count;

    /// <summary>Increases whenever any subscriber's layout changes; compare it to know when to look again.</summary>
    public long LayoutVersion { get; private set; }

    /// <summary>The participant who speaks now, or who spoke last; null before anyone has.</summary>
    public ParticipantKey? DominantSpeaker => _dominant?.Key;

    /// <summary>Increases whenever the dominant speaker or the speaker order changes.</summary>
    public long SpeakerVersion { get; private set; }

    /// <summary>Packets from handles the router does not know (never added, or removed).</summary>
    public long UnknownParticipantPackets { get; private set; }

    /// <summary>Adds a participant, with its video and screen slots; video slots are filled at the next tick.</summary>
    public ParticipantKey AddParticipant()
    {
        var key = new ParticipantKey(_nextKey++);
        var videoSlots = new VideoSlot[_options.LastN];
        for (var i = 0; i < videoSlots.Length; i++)
        {
            videoSlots[i] = NewSlot(i, TrackKind.Video);
        }

        var participant = new Participant(
            key, _joinCounter++, videoSlots, NewSlot(_options.LastN, TrackKind.Screen), new SpeechActivity(_speechBucketTicks, _speechBuckets));
        foreach (var slot in videoSlots)
        {
            slot.Subscriber = participant;
        }

        participant.ScreenSlot.Subscriber = participant;
        _participants.Add(key.Value, participant);
        _members.Add(participant);
        _speakerOrder.Add(participant);
        foreach (var other in _members)
        {
            if (other != participant && other.Audio is { } audio)
            {
                AddAudioSlot(participant, audio);
            }
        }

        BumpLayout(participant);
        SpeakerVersion++;
        _assignmentsDirty = true;
        return key;
    }

    /// <summary>Removes a participant: its streams leave every subscriber's slots, and its own slots are freed.</summary>
    /// <returns>False when the participant was not in the meeting.</returns>
    public bool RemoveParticipant(ParticipantKey participant)
    {
        if (!_participants.Remove(participant.Value, out var p))
        {
            return false;
        }

        foreach (var stream in (ReadOnlySpan<InboundStream?>)[p.Audio, p.Video, p.Screen])
        {
            if (stream is not null)
            {
                RemoveStream(stream);
            }
        }

        p.Audio = p.Video = p.Screen = null;
        foreach (var slot in p.AudioSlots)
        {
            slot.Source.AudioSinks.Remove(slot);
        }

        p.AudioSlots.Clear();
        foreach (var slot in p.VideoSlots)
        {
            ReleaseSlot(slot);
        }

        ReleaseSlot(p.ScreenSlot);
        _members.Remove(p);
        _speakerOrder.Remove(p);
        if (_dominant == p)
        {
            _dominant = null;
        }

        SpeakerVersion++;
        LayoutVersion++;
        _assignmentsDirty = true;
        return true;
    }

    /// <summary>
    /// Sets what <paramref name="participant"/> publishes, replacing what it published before. A track that is
    /// unchanged keeps its state; a changed one starts afresh. Nothing changes unless the result is
    /// <see cref="PublicationResult.Accepted"/>. Audio slots appear at once; video and screen at the next tick.
    /// </summary>
    public PublicationResult SetPublication(ParticipantKey participant, ReadOnlySpan<PublishedTrack> tracks)
    {
        if (!_participants.TryGetValue(participant.Value, out var p))
        {
            return PublicationResult.UnknownParticipant;
        }

        var check = Check(p, tracks);
        if (check != PublicationResult.Accepted)
        {
            return check;
        }

        // Remove every changed stream before adding any, so that an SSRC moving between kinds stays reserved.
        Span<bool> changed = stackalloc bool[3];
        for (var kind = TrackKind.Audio; kind <= TrackKind.Screen; kind++)
        {
            var existing = StreamOf(p, kind);
            changed[(int)kind] = existing is null ? Find(tracks, kind) is not null : Find(tracks, kind) != existing.Track;
            if (changed[(int)kind] && existing is not null)
            {
                RemoveStream(existing);
                SetStream(p, kind, null);
            }
        }

        for (var kind = TrackKind.Audio; kind <= TrackKind.Screen; kind++)
        {
            if (changed[(int)kind] && Find(tracks, kind) is { } track)
            {
                SetStream(p, kind, AddStream(p, track));
            }
        }

        return PublicationResult.Accepted;
    }

    /// <summary>What <paramref name="participant"/> receives now; null for an unknown participant.</summary>
    public SubscriberLayout? GetLayout(ParticipantKey participant)
    {
        if (!_participants.TryGetValue(participant.Value, out var p))
        {
            return null;
        }

        if (p.Layout is null)
        {
            var slots = new List<OutgoingSlot>(p.VideoSlots.Length + 1 + p.AudioSlots.Count);
            foreach (var slot in p.VideoSlots)
            {
                slots.Add(Describe(slot));
            }

            slots.Add(Describe(p.ScreenSlot));
            foreach (var slot in p.AudioSlots)
            {
                slots.Add(new OutgoingSlot(slot.Id, TrackKind.Audio, slot.Source.Ssrc, null, slot.Source.Owner.Key));
            }

            p.Layout = new SubscriberLayout(p.Key, p.LayoutVersion, p.StructureVersion, slots.AsReadOnly());
        }

        return p.Layout;
    }

    /// <summary>Everyone, most recently dominant speaker first, then those who have not spoken in join order.</summary>
    public IReadOnlyList<ParticipantKey> GetSpeakerOrder()
    {
        var order = new ParticipantKey[_speakerOrder.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = _speakerOrder[i].Key;
        }

        return order;
    }

    /// <summary>Whether <paramref name="participant"/> was speaking at the last tick.</summary>
    public bool IsSpeaking(ParticipantKey participant) =>
        _participants.TryGetValue(participant.Value, out var p) && p.Speaking;

    /// <summary>The counters of <paramref name="participant"/>; false for an unknown participant.</summary>
    public bool TryGetCounters(ParticipantKey participant, out ParticipantCounters counters)
    {
        if (_participants.TryGetValue(participant.Value, out var p))
        {
            counters = p.Counters.ToSnapshot();
            return true;
        }

        counters = default;
        return false;
    }

    private static PublishedTrack? Find(ReadOnlySpan<PublishedTrack> tracks, TrackKind kind)
    {
        foreach (var track in tracks)
        {
            if (track.Kind == kind)
            {
                return track;
            }
        }

        return null;
    }

    private static InboundStream? StreamOf(Participant p, TrackKind kind) => kind switch
    {
        TrackKind.Audio => p.Audio,
        TrackKind.Video => p.Video,
        TrackKind.Screen => p.Screen,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static void SetStream(Participant p, TrackKind kind, InboundStream? stream)
    {
        switch (kind)
        {
            case TrackKind.Audio:
                p.Audio = stream;
                break;
            case TrackKind.Video:
                p.Video = stream;
                break;
            case TrackKind.Screen:
                p.Screen = stream;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static OutgoingSlot Describe(VideoSlot slot) =>
        new(slot.Id, slot.Kind, slot.Ssrc, slot.RtxSsrc, slot.Assigned?.Owner.Key);

    private VideoSlot NewSlot(int id, TrackKind kind) =>
        new(id, kind, _ssrcs.Allocate(), _ssrcs.Allocate(), _options.RetransmissionBufferPackets);

    private PublicationResult Check(Participant p, ReadOnlySpan<PublishedTrack> tracks)
    {
        Span<uint> ssrcs = stackalloc uint[6];
        var count = 0;
        for (var i = 0; i < tracks.Length; i++)
        {
            var track = tracks[i];
            if (!Enum.IsDefined(track.Kind))
            {
                return PublicationResult.InvalidTrack;
            }

            for (var j = 0; j < i; j++)
            {
                if (tracks[j].Kind == track.Kind)
                {
                    return PublicationResult.DuplicateKind;
                }
            }

            if (!SfuOptions.IsSupported(track.Kind, track.PayloadType))
            {
                return PublicationResult.UnsupportedPayloadType;
            }

            if ((track.Kind == TrackKind.Audio && track.RtxSsrc is not null)
                || track.AudioLevelExtensionId is < 0 or > 14)
            {
                return PublicationResult.InvalidTrack;
            }

            ssrcs[count++] = track.Ssrc;
            if (track.RtxSsrc is { } rtx)
            {
                ssrcs[count++] = rtx;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (ssrcs[..i].Contains(ssrcs[i]) || (_ssrcs.IsInUse(ssrcs[i]) && p.FindStream(ssrcs[i], out _) is null))
            {
                return PublicationResult.SsrcInUse;
            }
        }

        return PublicationResult.Accepted;
    }

    private InboundStream AddStream(Participant p, PublishedTrack track)
    {
        var video = track.Kind != TrackKind.Audio;
        var rtxPayloadType = -1;
        if (video && track.RtxSsrc is not null)
        {
            SfuOptions.TryGetRtxPayloadType(track.PayloadType, out rtxPayloadType);
        }

        var history = video ? new PacketHistory(_options.RetransmissionBufferPackets, _options.MaxPacketSize) : null;
        var stream = new InboundStream(p, track, rtxPayloadType, history);
        _ssrcs.Reserve(track.Ssrc);
        if (track.RtxSsrc is { } rtx)
        {
            _ssrcs.Reserve(rtx);
        }

        switch (track.Kind)
        {
            case TrackKind.Audio:
                foreach (var subscriber in _members)
                {
                    if (subscriber != p)
                    {
                        AddAudioSlot(subscriber, stream);
                    }
                }

                break;
            case TrackKind.Video:
                _assignmentsDirty = true;
                break;
            case TrackKind.Screen:
                _screens.Add(stream);
                _assignmentsDirty = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(track));
        }

        return stream;
    }

    private void RemoveStream(InboundStream stream)
    {
        foreach (var slot in stream.AudioSinks)
        {
            slot.Subscriber.AudioSlots.Remove(slot);
            slot.Subscriber.StructureVersion++;
            BumpLayout(slot.Subscriber);
        }

        stream.AudioSinks.Clear();
        foreach (var slot in stream.Sinks)
        {
            if (slot.Current == stream)
            {
                slot.Current = null;
            }

            if (slot.Assigned == stream)
            {
                slot.Assigned = null;
                BumpLayout(slot.Subscriber);
            }
        }

        stream.Sinks.Clear();
        _screens.Remove(stream);

        // Retransmission entries that still point here miss from now on; the buffer can go.
        stream.History = null;
        _ssrcs.Release(stream.Ssrc);
        if (stream.RtxSsrc is { } rtx)
        {
            _ssrcs.Release(rtx);
        }

        if (stream.Kind != TrackKind.Audio)
        {
            _assignmentsDirty = true;
        }
    }

    private void AddAudioSlot(Participant subscriber, InboundStream source)
    {
        var slot = new AudioSlot(subscriber.NextAudioSlotId++, subscriber, source);
        subscriber.AudioSlots.Add(slot);
        source.AudioSinks.Add(slot);
        subscriber.StructureVersion++;
        BumpLayout(subscriber);
    }

    private void ReleaseSlot(VideoSlot slot)
    {
        slot.Assigned?.Sinks.Remove(slot);
        slot.Current?.Sinks.Remove(slot);
        slot.Assigned = null;
        slot.Current = null;
        _ssrcs.Release(slot.Ssrc);
        _ssrcs.Release(slot.RtxSsrc);
    }

    private void BumpLayout(Participant subscriber)
    {
        subscriber.LayoutVersion++;
        subscriber.Layout = null;
        LayoutVersion++;
    }
}
