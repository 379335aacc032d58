using Appliance.Media.Sdp;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Media.Conference;

/// <summary>
/// One participant's media in one conference: its <see cref="MediaPeer"/>, its place in the conference's router,
/// and the state of its SDP negotiation. Issued by <see cref="ConferenceMedia.Join"/>; the signalling layer keeps
/// it for <see cref="ConferenceMedia.Answer"/> and <see cref="ConferenceMedia.Leave"/>.
/// </summary>
public sealed class MediaSession
{
    private readonly Lock _gate = new();
    private int _pendingRevision;
    private SessionOffer? _pendingOffer;
    private string? _remoteUfrag;
    private int _revision;
    private int _left;
    private volatile bool _closed;

    internal MediaSession(ConferenceMedia owner, string conferenceId, string participantId, MediaPeer peer, byte[] remoteFingerprintDigest, SignalQueue signals)
    {
        Owner = owner;
        ConferenceId = conferenceId;
        ParticipantId = participantId;
        Peer = peer;
        RemoteFingerprintDigest = remoteFingerprintDigest;
        Signals = signals;
    }

    /// <summary>The conference, as given to <see cref="ConferenceMedia.Join"/>.</summary>
    public string ConferenceId { get; }

    /// <summary>The participant, as given to <see cref="ConferenceMedia.Join"/>.</summary>
    public string ParticipantId { get; }

    /// <summary>The media server's number for the session's peer, for logs.</summary>
    public long PeerId => Peer.Id;

    /// <summary>Where the peer's ICE and DTLS are.</summary>
    public MediaPeerState PeerState => Peer.State;

    /// <summary>The revision of the last offer sent; 0 before the first.</summary>
    public int Revision => Volatile.Read(ref _revision);

    /// <summary>Whether the session has ended: left, or closed by itself (see <see cref="IMediaSignals.MediaClosed"/>).</summary>
    public bool IsClosed => _closed || Volatile.Read(ref _left) != 0;

    /// <inheritdoc />
    public override string ToString() => $"MediaSession {ParticipantId} in {ConferenceId} (peer {Peer.Id})";

    internal ConferenceMedia Owner { get; }

    internal MediaPeer Peer { get; }

    internal byte[] RemoteFingerprintDigest { get; }

    internal SignalQueue Signals { get; }

    internal bool HasLeft => Volatile.Read(ref _left) != 0;

    // Owned by the receive thread.
    internal Conference? Conference { get; set; }

    internal ParticipantKey Key { get; set; }

    internal SessionSections Sections { get; } = new();

    internal bool OfferInFlight { get; set; }

    internal bool OfferRequested { get; set; }

    internal long SeenLayoutVersion { get; set; } = -1;

    internal IReadOnlyList<SlotSource>? LastSlots { get; set; }

    internal bool IsDetached { get; set; }

    /// <summary>Marks the session left; false when it had been already.</summary>
    internal bool TryMarkLeft() => Interlocked.Exchange(ref _left, 1) == 0;

    internal void MarkClosed() => _closed = true;

    /// <summary>Records the offer just sent as the one awaiting an answer (receive thread).</summary>
    internal void OfferSent(int revision, SessionOffer offer)
    {
        lock (_gate)
        {
            _pendingRevision = revision;
            _pendingOffer = offer;
        }

        Volatile.Write(ref _revision, revision);
    }

    /// <summary>The offer awaiting an answer with this revision, or null (any thread).</summary>
    internal SessionOffer? PendingOffer(int revision, out int pendingRevision)
    {
        lock (_gate)
        {
            pendingRevision = _pendingRevision;
            return revision != 0 && revision == _pendingRevision ? _pendingOffer : null;
        }
    }

    /// <summary>
    /// Takes the answer to the pending offer <paramref name="revision"/>, once: false when another answer took it
    /// first. <paramref name="firstUfrag"/> is true when this is the session's first answer.
    /// </summary>
    internal bool TryTakeAnswer(int revision, string remoteUfrag, out bool firstUfrag, out bool ufragChanged)
    {
        lock (_gate)
        {
            firstUfrag = false;
            ufragChanged = _remoteUfrag is not null && !string.Equals(_remoteUfrag, remoteUfrag, StringComparison.Ordinal);
            if (revision == 0 || revision != _pendingRevision || ufragChanged)
            {
                return false;
            }

            firstUfrag = _remoteUfrag is null;
            _remoteUfrag = remoteUfrag;
            _pendingRevision = 0;
            _pendingOffer = null;
            return true;
        }
    }
}
