using System.Globalization;
using Appliance.Media.Ice;
using Appliance.Media.Sdp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Conference;

/// <summary>
/// The m-sections of one session's offers and the router slot each one carries: mid 0 the browser's microphone,
/// 1 its camera, 2 its screen (the appliance receives), then one send section per slot of the subscriber's
/// <see cref="SubscriberLayout"/>. Owned by the receive thread.
/// </summary>
/// <remarks>
/// <para>Mids count up and are never reused in the session. A slot that goes away has its section retired
/// (inactive, still bundled) in the next offer and rejected (port 0) in the one after, which frees the position:
/// a later new slot of the same media kind takes it over under a fresh mid (JSEP §5.2.2). So the offer stays about
/// as long as the layout, however many people come and go; otherwise it would grow by an m-section per publisher
/// who ever joined, and a long meeting would run into the answer parser's limits.</para>
/// <para>Slot sections announce the slot's SSRC (and RTX SSRC) with msid stream "slot-&lt;id&gt;" and track
/// "slot-&lt;id&gt;-audio|video|screen", where id is the router's slot id, stable for the session.</para>
/// </remarks>
internal sealed class SessionSections
{
    /// <summary>The CNAME of every slot: the browser does not use it to tell slots apart (msid does).</summary>
    public const string Cname = "appliance";

    /// <summary>The mids of the browser's own tracks.</summary>
    public const string MicrophoneMid = "0";

    /// <inheritdoc cref="MicrophoneMid"/>
    public const string CameraMid = "1";

    /// <inheritdoc cref="MicrophoneMid"/>
    public const string ScreenMid = "2";

    /// <summary>Positions before this one are the browser's own tracks, never changed.</summary>
    public const int FirstSlotPosition = 3;

    private readonly Dictionary<int, int> _positionBySlot = [];
    private readonly List<int?> _slotAtPosition = [];

    // Slots whose section the browser rejected: it stopped that transceiver on purpose, so they are not offered again.
    private readonly HashSet<int> _declinedSlots = [];
    private int _nextMid;

    /// <summary>
    /// The video codecs every video m-section offers; null for <see cref="SdpCodecs.DefaultVideo"/>. An end-to-end encrypted
    /// browser gets VP8 only, the one codec whose clear prefix the SFrame contract defines. Set before <see cref="First"/>.
    /// </summary>
    public IReadOnlyList<SdpCodec>? VideoCodecs { get; set; }

    /// <summary>The last offer made; null before <see cref="First"/>.</summary>
    public SessionOffer? Current { get; private set; }

    /// <summary>The layout structure the last offer describes.</summary>
    public long StructureVersion { get; private set; } = -1;

    /// <summary>The session's first offer: the browser's three tracks, then a section per slot.</summary>
    public SessionOffer First(ulong sessionId, IceCredentials ice, SdpFingerprint fingerprint, IReadOnlyList<SdpCandidate> candidates, SubscriberLayout layout)
    {
        if (Current is not null)
        {
            throw new InvalidOperationException("The session already has its first offer.");
        }

        var sections = new List<SdpOfferSection>(FirstSlotPosition + layout.Slots.Count)
        {
            SdpOfferSection.Receive(NextMid(), SdpMediaKind.Audio),
            WithVideoCodecs(SdpOfferSection.Receive(NextMid(), SdpMediaKind.Video)),
            WithVideoCodecs(SdpOfferSection.Receive(NextMid(), SdpMediaKind.Video)),
        };
        _slotAtPosition.AddRange([null, null, null]);
        foreach (var slot in layout.Slots)
        {
            _positionBySlot[slot.Id] = sections.Count;
            _slotAtPosition.Add(slot.Id);
            sections.Add(SendSection(NextMid(), slot));
        }

        Current = new SessionOffer
        {
            SessionId = sessionId,
            Version = 1,
            Ice = ice,
            Fingerprint = fingerprint,
            Candidates = candidates,
            Sections = sections,
        };
        StructureVersion = layout.StructureVersion;
        return Current;
    }

    /// <summary>
    /// The next offer for <paramref name="layout"/>: sections of slots that are gone are retired, sections retired
    /// earlier are rejected, new slots get new sections (on a rejected position of their kind when there is one).
    /// </summary>
    public SessionOffer Next(SubscriberLayout layout)
    {
        var previous = Current ?? throw new InvalidOperationException("The session has no first offer.");
        var present = new HashSet<int>();
        foreach (var slot in layout.Slots)
        {
            present.Add(slot.Id);
        }

        var sections = new List<SdpOfferSection>(previous.Sections);
        var recyclable = new List<int>();
        for (var position = FirstSlotPosition; position < sections.Count; position++)
        {
            var section = sections[position];
            if (section.IsRejected)
            {
                recyclable.Add(position);
            }
            else if (_slotAtPosition[position] is { } slotId)
            {
                if (!present.Contains(slotId))
                {
                    sections[position] = section.Retire();
                    _slotAtPosition[position] = null;
                    _positionBySlot.Remove(slotId);
                }
            }
            else
            {
                // Retired in an earlier offer (or rejected by the browser's answer): reject it, so that the
                // position can be recycled from the next offer on.
                sections[position] = section.Reject();
            }
        }

        _declinedSlots.IntersectWith(present);
        foreach (var slot in layout.Slots)
        {
            if (_positionBySlot.ContainsKey(slot.Id) || _declinedSlots.Contains(slot.Id))
            {
                continue;
            }

            var section = SendSection(NextMid(), slot);
            var position = recyclable.FindIndex(p => sections[p].Kind == section.Kind);
            if (position >= 0)
            {
                var at = recyclable[position];
                recyclable.RemoveAt(position);
                sections[at] = section;
                _slotAtPosition[at] = slot.Id;
                _positionBySlot[slot.Id] = at;
            }
            else
            {
                _positionBySlot[slot.Id] = sections.Count;
                _slotAtPosition.Add(slot.Id);
                sections.Add(section);
            }
        }

        var next = previous.Next(sections);
        var problems = next.ValidateAsSuccessorOf(previous);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The next offer breaks the rules for subsequent offers: " + string.Join(" ", problems));
        }

        Current = next;
        StructureVersion = layout.StructureVersion;
        return next;
    }

    /// <summary>The mid of the section that carries <paramref name="slotId"/>, when one does.</summary>
    public bool TryGetMid(int slotId, out string mid)
    {
        if (_positionBySlot.TryGetValue(slotId, out var position) && Current is { } offer)
        {
            mid = offer.Sections[position].Mid;
            return true;
        }

        mid = string.Empty;
        return false;
    }

    /// <summary>
    /// Takes note of the browser's answer to <see cref="Current"/>: a slot section it rejected (port 0) no longer
    /// carries its slot, is rejected in the next offer too, and its slot is not offered again.
    /// </summary>
    public void OnAnswered(SdpAnswer answer)
    {
        var offer = Current;
        if (offer is null)
        {
            return;
        }

        for (var position = FirstSlotPosition; position < answer.Sections.Count && position < offer.Sections.Count; position++)
        {
            if (answer.Sections[position].IsRejected && !offer.Sections[position].IsRejected && _slotAtPosition[position] is { } slotId)
            {
                _slotAtPosition[position] = null;
                _positionBySlot.Remove(slotId);
                _declinedSlots.Add(slotId);
            }
        }
    }

    private SdpOfferSection WithVideoCodecs(SdpOfferSection section) =>
        section.Kind == SdpMediaKind.Video && VideoCodecs is { } codecs ? section with { Codecs = codecs } : section;

    private SdpOfferSection SendSection(string mid, OutgoingSlot slot)
    {
        var id = slot.Id.ToString(CultureInfo.InvariantCulture);
        var (kind, track) = slot.Kind switch
        {
            TrackKind.Audio => (SdpMediaKind.Audio, "audio"),
            TrackKind.Video => (SdpMediaKind.Video, "video"),
            TrackKind.Screen => (SdpMediaKind.Video, "screen"),
            _ => throw new ArgumentOutOfRangeException(nameof(slot), slot.Kind, "Not a track kind."),
        };
        var rtxSsrc = kind == SdpMediaKind.Video ? slot.RtxSsrc : null;
        return WithVideoCodecs(SdpOfferSection.Send(mid, kind, new SdpSendingSource(slot.Ssrc, rtxSsrc, Cname, $"slot-{id}", $"slot-{id}-{track}")));
    }

    private string NextMid() => (_nextMid++).ToString(CultureInfo.InvariantCulture);
}
