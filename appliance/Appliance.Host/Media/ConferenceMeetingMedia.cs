using System.Collections.Concurrent;
using Appliance.Core.Rooms;
using Appliance.Media.Conference;
using Appliance.Media.Sfu;
using ConferenceSignals = Appliance.Media.Conference.IMediaSignals;
using RoomSignals = Appliance.Core.Rooms.IMediaSignals;

namespace Appliance.Host.Media;

/// <summary>
/// The rooms' media hook over the conference media plane: one <see cref="MediaSession"/> per admitted participant who
/// gave a DTLS fingerprint, in a conference per meeting. A resume or a reload (a new RTCPeerConnection, a new
/// certificate) leaves the old session and joins anew; a change of microphone, camera or screen asks for a new offer, so
/// that the browser can send (or stop sending) its screen.
/// </summary>
/// <remarks>
/// The hub calls in the order the rooms decided, never two calls of one meeting at once; the media plane calls back on
/// the thread pool (offers, slot labels, speakers, a session that ended by itself), hence the concurrent map.
/// </remarks>
public sealed class ConferenceMeetingMedia : IMeetingMedia
{
    private readonly ConferenceMedia _media;
    private readonly ILogger<ConferenceMeetingMedia> _logger;
    private readonly ConcurrentDictionary<(string MeetingId, string ParticipantId), MediaSession> _sessions = new();

    public ConferenceMeetingMedia(ConferenceMedia media, ILogger<ConferenceMeetingMedia> logger)
    {
        _media = media;
        _logger = logger;
    }

    /// <summary>Media sessions open now.</summary>
    public int SessionCount => _sessions.Count;

    /// <inheritdoc />
    public ValueTask JoinAsync(MediaParticipant participant, RoomSignals signals, CancellationToken cancellationToken)
    {
        Start(participant, signals, resumed: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReconnectAsync(MediaParticipant participant, RoomSignals signals, CancellationToken cancellationToken)
    {
        Start(participant, signals, resumed: true);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnAnswerAsync(MediaParticipant participant, MediaAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentNullException.ThrowIfNull(answer);
        if (!_sessions.TryGetValue(KeyOf(participant), out var session))
        {
            return ValueTask.CompletedTask;
        }

        var result = answer.Revision is > 0 and <= int.MaxValue
            ? _media.Answer(session, (int)answer.Revision, answer.Sdp)
            : null;
        if (result is not { IsAccepted: true })
        {
            // The message names the rule that failed; it never quotes fingerprints or ICE passwords.
            _logger.LogWarning(
                "Media answer {Revision} of participant {ParticipantId} in meeting {MeetingId} refused: {Refusal} {Reason} ({SdpErrors} SDP findings)",
                answer.Revision,
                participant.ParticipantId,
                participant.MeetingId,
                result?.Refusal?.ToString() ?? "StaleRevision",
                result?.Message ?? "revision out of range",
                result?.SdpErrors.Count ?? 0);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnMediaStateAsync(MediaParticipant participant, MediaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (_sessions.TryGetValue(KeyOf(participant), out var session))
        {
            // The browser sends its screen (mid 2) or a camera it joined without only after a new offer and answer.
            _media.RequestOffer(session);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask LeaveAsync(MediaParticipant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (_sessions.TryRemove(KeyOf(participant), out var session))
        {
            _media.Leave(session);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask EndAsync(string meetingId, CancellationToken cancellationToken)
    {
        foreach (var key in _sessions.Keys.Where(k => k.MeetingId == meetingId).ToList())
        {
            if (_sessions.TryRemove(key, out var session))
            {
                _media.Leave(session);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Start(MediaParticipant participant, RoomSignals signals, bool resumed)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentNullException.ThrowIfNull(signals);
        var key = KeyOf(participant);
        if (_sessions.TryRemove(key, out var old))
        {
            _media.Leave(old);
        }

        if (!ConferenceMedia.IsValidFingerprint(participant.DtlsFingerprint))
        {
            _logger.LogInformation(
                "Participant {ParticipantId} in meeting {MeetingId} takes part without audio and video (no DTLS fingerprint)",
                participant.ParticipantId,
                participant.MeetingId);
            return;
        }

        var bridge = new SignalBridge(this, key, signals);
        var session = _media.Join(participant.MeetingId, participant.ParticipantId, participant.DtlsFingerprint!, bridge, vp8Only: participant.EndToEndEncrypted);
        bridge.Session = session;
        _sessions[key] = session;
        _logger.LogInformation(
            "Media session {PeerId} of participant {ParticipantId} in meeting {MeetingId} {Started}",
            session.PeerId,
            participant.ParticipantId,
            participant.MeetingId,
            resumed ? "restarted after a reconnect" : "started");
    }

    private void Closed((string MeetingId, string ParticipantId) key, MediaSession? session, MediaCloseReason reason)
    {
        if (session is not null)
        {
            _sessions.TryRemove(new KeyValuePair<(string, string), MediaSession>(key, session));
        }

        _logger.LogInformation(
            "Media session of participant {ParticipantId} in meeting {MeetingId} ended by itself: {Reason}",
            key.ParticipantId,
            key.MeetingId,
            reason);
    }

    private static (string MeetingId, string ParticipantId) KeyOf(MediaParticipant participant) => (participant.MeetingId, participant.ParticipantId);

    private static MediaSlotKind SlotKind(TrackKind kind) =>
#pragma warning disable CS8524 // Every named kind is mapped: a new one must break the build here.
        kind switch
        {
            TrackKind.Audio => MediaSlotKind.Audio,
            TrackKind.Video => MediaSlotKind.Video,
            TrackKind.Screen => MediaSlotKind.Screen,
        };
#pragma warning restore CS8524

    // What the media plane says to one session, onto that participant's signalling connection (which only queues).
    private sealed class SignalBridge(ConferenceMeetingMedia owner, (string MeetingId, string ParticipantId) key, RoomSignals signals) : ConferenceSignals
    {
        public MediaSession? Session { get; set; }

        public void SendOffer(string sdp, int revision) => signals.TrySendOffer(new MediaOffer(revision, sdp));

        public void SendSlots(IReadOnlyList<SlotSource> slots) =>
            signals.TrySendSlots([.. slots.Select(s => new MediaSlot(s.Mid, SlotKind(s.Kind), s.ParticipantId))]);

        public void SendSpeakers(IReadOnlyList<string> participantIdsInOrder, string? dominant) =>
            signals.TrySendSpeakers(new MediaSpeakers(participantIdsInOrder, dominant));

        public void MediaClosed(MediaCloseReason reason) => owner.Closed(key, Session, reason);
    }
}
