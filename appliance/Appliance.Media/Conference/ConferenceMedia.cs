using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Appliance.Crypto.Dtls;
using Appliance.Media.Sdp;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Media.Conference;

/// <summary>
/// The media side of meetings: one <see cref="MediaServer"/> for every participant, one <see cref="SfuRouter"/>
/// per conference, and the SDP negotiation with each browser. No rooms, lobby or policy: the signalling layer
/// decides who is admitted and calls <see cref="Join"/>, <see cref="Answer"/> and <see cref="Leave"/> for them;
/// what goes back to a browser comes out of its <see cref="IMediaSignals"/>.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> <see cref="Join"/>, <see cref="Answer"/>, <see cref="Leave"/> and
/// <see cref="GetCounters"/> are safe from any thread. Everything that touches a router — membership,
/// publications, layouts, speaker order — runs on the media server's receive thread: the public methods queue
/// commands that the receive thread drains at each tick (and before each packet), so the packet path takes no lock.
/// <see cref="IMediaSignals"/> calls go the other way, through a per-session queue on the thread pool, so that a
/// slow WebSocket never stalls media.</para>
/// <para><b>Negotiation.</b> The server offers, the browser answers (DESIGN.md, Signalling). The first offer
/// follows <see cref="Join"/> within a tick; a new one follows whenever the participant's slots appear or
/// disappear, but only once the previous offer has been answered.</para>
/// </remarks>
public sealed partial class ConferenceMedia : IMediaHandler, IDisposable
{
    private readonly MediaServer _server;
    private readonly SfuOptions _sfuOptions;
    private readonly Action<Exception>? _unexpectedError;
    private readonly SdpCandidate[] _candidates;
    private readonly ConcurrentQueue<Command> _commands = new();

    // Sessions joined and not ended, by conference and participant; any thread, under _gate.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, MediaSession>> _joined = new(StringComparer.Ordinal);
    private bool _disposed;

    private long _answersAccepted;
    private long _answersRefused;

    /// <summary>Binds the media socket; call <see cref="Start"/> to begin.</summary>
    /// <param name="serverOptions">The media server's addresses, port and limits. Its advertised addresses become the offers' candidates.</param>
    /// <param name="identity">The DTLS certificate; its fingerprint goes into every offer.</param>
    /// <param name="sfuOptions">How each conference's router forwards; its clock must tick at <paramref name="time"/>'s frequency.</param>
    /// <param name="time">The clock of the media server and the routers.</param>
    /// <exception cref="ArgumentException">The options give no candidate, or the router's clock runs at another frequency.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The address or port cannot be bound.</exception>
    public ConferenceMedia(MediaServerOptions serverOptions, DtlsIdentity identity, SfuOptions sfuOptions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(serverOptions);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(sfuOptions);
        ArgumentNullException.ThrowIfNull(time);
        sfuOptions.Validate();
        if (sfuOptions.Clock.TicksPerSecond != time.TimestampFrequency)
        {
            throw new ArgumentException(
                "The routers are given the media server's timestamps: SfuOptions.Clock must tick at the time provider's frequency (NtpClock.FromTimeProvider).",
                nameof(sfuOptions));
        }

        _sfuOptions = sfuOptions;
        _unexpectedError = serverOptions.UnexpectedError;
        _server = new MediaServer(serverOptions, identity, this, time);
        try
        {
            _candidates = [.. ToSdpCandidates(_server.LocalCandidates)];
            if (_candidates.Length == 0)
            {
                throw new ArgumentException(
                    "The media server has no candidate to offer: bind a specific address, or set MediaServerOptions.AdvertisedAddresses.",
                    nameof(serverOptions));
            }
        }
        catch
        {
            _server.Dispose();
            throw;
        }
    }

    /// <summary>The host candidates every offer carries.</summary>
    public IReadOnlyList<LocalCandidate> LocalCandidates => _server.LocalCandidates;

    /// <summary>Starts the media server's receive thread.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start() => _server.Start();

    /// <summary>Whether <paramref name="fingerprint"/> is a SHA-256 fingerprint as <see cref="Join"/> takes it: 32 hex pairs joined by ':'.</summary>
    public static bool IsValidFingerprint(string? fingerprint) => SdpFingerprint.TryParse(fingerprint, out _);

    /// <summary>
    /// Adds an admitted participant's browser to a conference: a media peer that expects a DTLS certificate with
    /// <paramref name="remoteFingerprint"/>, and a place in the conference's router (created with the first
    /// participant). The first offer reaches <paramref name="signals"/> within a tick. Safe from any thread.
    /// </summary>
    /// <param name="conferenceId">The conference; participants with the same id share a router.</param>
    /// <param name="participantId">Unique within the conference while joined; <see cref="IMediaSignals.SendSlots"/> and <see cref="IMediaSignals.SendSpeakers"/> name participants by it.</param>
    /// <param name="remoteFingerprint">
    /// The SHA-256 fingerprint of the browser's certificate (RTCPeerConnection.generateCertificate, then
    /// getFingerprints()), sent before the offer; without the "sha-256 " prefix. Validate it with
    /// <see cref="IsValidFingerprint"/> first: it comes from the client.
    /// </param>
    /// <param name="signals">Where this session's offers and notices go.</param>
    /// <param name="vp8Only">Offer VP8 alone for video (the browser encrypts end to end; see <see cref="SessionSections.VideoCodecs"/>).</param>
    /// <exception cref="ArgumentException">An empty id, or a fingerprint that is not 32 hex pairs joined by ':'.</exception>
    /// <exception cref="InvalidOperationException">The participant is in the conference already; leave the old session first.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public MediaSession Join(string conferenceId, string participantId, string remoteFingerprint, IMediaSignals signals, bool vp8Only = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(conferenceId);
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        ArgumentNullException.ThrowIfNull(signals);
        if (!SdpFingerprint.TryParse(remoteFingerprint, out var fingerprint))
        {
            throw new ArgumentException("Expected a SHA-256 fingerprint: 32 hex pairs joined by ':'.", nameof(remoteFingerprint));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfJoined(conferenceId, participantId);
        }

        var peer = _server.AddPeer(fingerprint!.Value, null);
        var session = new MediaSession(this, conferenceId, participantId, peer, fingerprint.GetDigest(), new SignalQueue(signals, ReportUnexpected));
        if (vp8Only)
        {
            session.Sections.VideoCodecs = [SdpCodecs.Vp8];
        }

        lock (_gate)
        {
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                ThrowIfJoined(conferenceId, participantId);
            }
            catch
            {
                // Another Join for the same participant, or Dispose, came in between.
                _server.RemovePeer(peer);
                throw;
            }

            if (!_joined.TryGetValue(conferenceId, out var members))
            {
                members = new Dictionary<string, MediaSession>(StringComparer.Ordinal);
                _joined.Add(conferenceId, members);
            }

            members.Add(participantId, session);
        }

        _commands.Enqueue(new Command(CommandKind.Attach, session));
        return session;
    }

    /// <summary>
    /// Takes the browser's answer to the offer of <paramref name="revision"/>: checks it against that offer, checks
    /// its fingerprint against the one given at <see cref="Join"/>, sets the browser's ICE ufrag, and publishes the
    /// tracks the browser sends (microphone, camera, screen) to the conference. Safe from any thread; never throws
    /// for anything the client sent.
    /// </summary>
    /// <returns>Accepted, or why not, with a message for the client.</returns>
    /// <exception cref="ArgumentException">The session belongs to another <see cref="ConferenceMedia"/> (a bug of the caller).</exception>
    public AnswerResult Answer(MediaSession session, int revision, string? sdp)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfForeign(session);
        var result = Check(session, revision, sdp);
        Interlocked.Increment(ref result.IsAccepted ? ref _answersAccepted : ref _answersRefused);
        return result;
    }

    /// <summary>
    /// Sends the browser a new offer with the same m-sections, so that it can change what it sends: start or stop
    /// sharing its screen (mid 2), turn its camera on or off. The client asks for it over signalling; the offer
    /// comes within a tick, or right after the answer to an offer still awaiting one. Safe from any thread.
    /// </summary>
    /// <exception cref="ArgumentException">The session belongs to another <see cref="ConferenceMedia"/>.</exception>
    public void RequestOffer(MediaSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfForeign(session);
        if (!session.IsClosed)
        {
            _commands.Enqueue(new Command(CommandKind.RequestOffer, session));
        }
    }

    /// <summary>
    /// Ends a session: its media stops being forwarded, its slots leave everyone else's layouts (they get new
    /// offers), and its peer is closed with close_notify. No <see cref="IMediaSignals"/> call starts after this
    /// returns. Safe from any thread and more than once.
    /// </summary>
    /// <exception cref="ArgumentException">The session belongs to another <see cref="ConferenceMedia"/>.</exception>
    public void Leave(MediaSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        ThrowIfForeign(session);
        if (!session.TryMarkLeft())
        {
            return;
        }

        session.Signals.Stop();
        Forget(session);
        _commands.Enqueue(new Command(CommandKind.Leave, session));
    }

    /// <summary>The counters for /metrics: the media server's, and participants per conference.</summary>
    public ConferenceMediaCounters GetCounters()
    {
        var participants = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (conferenceId, members) in _joined)
            {
                participants[conferenceId] = members.Count;
            }
        }

        return new ConferenceMediaCounters
        {
            Server = _server.GetCounters(),
            ParticipantsByConference = participants,
            OffersSent = Volatile.Read(ref _offersSent),
            AnswersAccepted = Interlocked.Read(ref _answersAccepted),
            AnswersRefused = Interlocked.Read(ref _answersRefused),
            PublicationsRefused = Volatile.Read(ref _publicationsRefused),
            Ticks = Volatile.Read(ref _ticks),
            ReceiveThreadAllocatedBytes = Volatile.Read(ref _receiveThreadAllocated),
        };
    }

    /// <summary>
    /// Stops the media server (every peer closes with close_notify) and tells every session still joined
    /// <see cref="MediaCloseReason.ServerStopped"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Peers close on the receive thread as it stops, which closes their sessions and signals them.
        _server.Dispose();

        // Sessions whose Join was never applied (it raced with this) have not heard yet.
        var remaining = new List<MediaSession>();
        lock (_gate)
        {
            foreach (var members in _joined.Values)
            {
                remaining.AddRange(members.Values);
            }

            _joined.Clear();
        }

        foreach (var session in remaining)
        {
            if (!session.IsClosed)
            {
                session.MarkClosed();
                session.Signals.PostFinal(static s => s.MediaClosed(MediaCloseReason.ServerStopped));
            }
        }
    }

    private static List<SdpCandidate> ToSdpCandidates(IReadOnlyList<LocalCandidate> candidates)
    {
        var result = new List<SdpCandidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            var address = candidate.Address.IsIPv4MappedToIPv6 ? candidate.Address.MapToIPv4() : candidate.Address;
            var localPreference = (int)((candidate.Priority >> 8) & 0xFFFF);
            result.Add(new SdpCandidate(candidate.Foundation, address, candidate.Port, localPreference, candidate.Protocol));
        }

        return result;
    }

    /// <summary>The tracks the answer says the browser sends on mids 0, 1 and 2, as the router takes them.</summary>
    private static PublishedTrack[]? ToPublication(SdpAnswer answer, out string? problem)
    {
        problem = null;
        var tracks = new List<PublishedTrack>(3);
        for (var position = 0; position < SessionSections.FirstSlotPosition && position < answer.Sections.Count; position++)
        {
            var section = answer.Sections[position];
            if (!section.BrowserSends || section.Ssrc is not { } ssrc || section.PayloadType is not { } payloadType)
            {
                continue;
            }

            var kind = position switch
            {
                0 => TrackKind.Audio,
                1 => TrackKind.Video,
                _ => TrackKind.Screen,
            };
            if (!SfuOptions.IsSupported(kind, payloadType))
            {
                problem = $"mid {section.Mid}: payload type {payloadType} cannot be forwarded as {kind}.";
                return null;
            }

            var rtxSsrc = kind != TrackKind.Audio && section.RtxPayloadType is not null ? section.RtxSsrc : null;
            var audioLevelId = 0;
            if (kind == TrackKind.Audio)
            {
                foreach (var extension in section.HeaderExtensions)
                {
                    if (extension.Uri == SdpHeaderExtensions.AudioLevelUri)
                    {
                        audioLevelId = extension.Id;
                    }
                }
            }

            tracks.Add(new PublishedTrack(kind, ssrc, payloadType, rtxSsrc, audioLevelId));
        }

        return [.. tracks];
    }

    private AnswerResult Check(MediaSession session, int revision, string? sdp)
    {
        if (session.IsClosed)
        {
            return AnswerResult.Refused(AnswerRefusal.SessionClosed, "The media session has ended.");
        }

        var offer = session.PendingOffer(revision, out var pendingRevision);
        if (offer is null)
        {
            return AnswerResult.Refused(AnswerRefusal.StaleRevision, pendingRevision == 0
                ? $"No offer awaits an answer; revision {revision} was answered already or never sent."
                : $"The offer awaiting an answer is revision {pendingRevision}, not {revision}.");
        }

        var parsed = SdpParser.ParseAnswer(sdp, offer);
        if (parsed.Answer is not { } answer)
        {
            return AnswerResult.Refused(AnswerRefusal.InvalidSdp, $"The answer to revision {revision} is not valid ({parsed.Errors.Count} problems).", parsed.Errors);
        }

        // The DTLS handshake checks the certificate against the joined fingerprint anyway; refusing a different one
        // here tells the client at once, and a constant-time compare leaks nothing about the expected value.
        if (!CryptographicOperations.FixedTimeEquals(answer.Fingerprint.GetDigest(), session.RemoteFingerprintDigest))
        {
            return AnswerResult.Refused(AnswerRefusal.FingerprintMismatch, "The answer's DTLS fingerprint is not the one given when joining.");
        }

        if (ToPublication(answer, out var problem) is not { } tracks)
        {
            return AnswerResult.Refused(AnswerRefusal.InvalidSdp, problem ?? "The answer publishes what cannot be forwarded.");
        }

        if (!session.TryTakeAnswer(revision, answer.Ice.Ufrag, out var firstUfrag, out var ufragChanged))
        {
            return ufragChanged
                ? AnswerResult.Refused(AnswerRefusal.IceCredentialsChanged, "The answer's ICE ufrag differs from the first answer's; ICE restarts are not taken from the browser.")
                : AnswerResult.Refused(AnswerRefusal.StaleRevision, $"Revision {revision} was answered meanwhile.");
        }

        if (firstUfrag)
        {
            session.Peer.SetRemoteUfrag(answer.Ice.Ufrag);
        }

        _commands.Enqueue(new Command(CommandKind.Answer, session, answer, tracks));
        return AnswerResult.Accepted;
    }

    private void ThrowIfJoined(string conferenceId, string participantId)
    {
        if (_joined.TryGetValue(conferenceId, out var members) && members.ContainsKey(participantId))
        {
            throw new InvalidOperationException("The participant already has a media session in this conference; leave it first.");
        }
    }

    private void ThrowIfForeign(MediaSession session)
    {
        if (!ReferenceEquals(session.Owner, this))
        {
            throw new ArgumentException("The session belongs to another ConferenceMedia.", nameof(session));
        }
    }

    /// <summary>Takes the session out of the joined participants, if it is still the one joined under its id.</summary>
    private void Forget(MediaSession session)
    {
        lock (_gate)
        {
            if (_joined.TryGetValue(session.ConferenceId, out var members)
                && members.TryGetValue(session.ParticipantId, out var joined)
                && ReferenceEquals(joined, session))
            {
                members.Remove(session.ParticipantId);
                if (members.Count == 0)
                {
                    _joined.Remove(session.ConferenceId);
                }
            }
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing error sink must not take the media plane down with it.")]
    private void ReportUnexpected(Exception ex)
    {
        try
        {
            _unexpectedError?.Invoke(ex);
        }
        catch (Exception)
        {
            // Nowhere further to report to.
        }
    }
}
