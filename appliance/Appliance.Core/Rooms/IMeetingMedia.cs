namespace Appliance.Core.Rooms;

/// <summary>
/// The media plane as the signalling hub sees it. The hub calls it, in the order the room decided, when a participant
/// is admitted (or a host enters), comes back after a drop, answers an offer, changes their microphone, camera or
/// screen flags, leaves, and when the meeting ends. The media plane decides what each participant receives and sends
/// SDP offers through the <see cref="IMediaSignals"/> it was given whenever that changes; the browser answers.
/// </summary>
/// <remarks>
/// Calls for one meeting never overlap and arrive in decision order; calls for different meetings may run in parallel.
/// An exception is logged and the meeting carries on without media for that participant: a broken media plane must
/// never take the lobby, chat or roster down with it. Implementations must not block: the hub awaits them on a queue
/// shared by several meetings.
/// </remarks>
public interface IMeetingMedia
{
    /// <summary>
    /// The participant is admitted and connected. Prepare their transport (ICE-lite credentials, DTLS) and send the first
    /// offer through <paramref name="signals"/>, now or when there is something to receive.
    /// </summary>
    ValueTask JoinAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken);

    /// <summary>
    /// The participant is back on a new signalling connection after a drop (within the grace time). Their old transport
    /// is to be replaced: send a fresh offer (an ICE restart) through the new <paramref name="signals"/>; the old
    /// signals no longer deliver anything.
    /// </summary>
    ValueTask ReconnectAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken);

    /// <summary>
    /// The browser's answer to the offer with <see cref="MediaAnswer.Revision"/>. The hub passes on only answers to the
    /// latest offer it delivered on the participant's current connection, with an SDP that is at most 60,000 characters
    /// of printable text and line breaks; parsing and checking the SDP itself is the media plane's job.
    /// </summary>
    ValueTask OnAnswerAsync(MediaParticipant participant, MediaAnswer answer, CancellationToken cancellationToken);

    /// <summary>The participant turned their microphone or camera on or off, or started or stopped sharing a screen.</summary>
    ValueTask OnMediaStateAsync(MediaParticipant participant, MediaState state, CancellationToken cancellationToken);

    /// <summary>The participant left, was removed, or did not come back within the grace time: release their media.</summary>
    ValueTask LeaveAsync(MediaParticipant participant, CancellationToken cancellationToken);

    /// <summary>A host ended the meeting: release everything of it. No further calls for this meeting follow.</summary>
    ValueTask EndAsync(string meetingId, CancellationToken cancellationToken);
}

/// <summary>
/// How the media plane reaches one participant's browser: bound to one signalling connection. After that connection
/// closes, sends return false and deliver nothing.
/// </summary>
public interface IMediaSignals
{
    /// <summary>
    /// Queues an offer for the browser (a server message <c>offer</c>); never blocks. False when the connection has gone
    /// or its outgoing queue is full (the hub then disconnects it; the participant resumes and the media plane gets
    /// <see cref="IMeetingMedia.ReconnectAsync"/>).
    /// </summary>
    bool TrySendOffer(MediaOffer offer);

    /// <summary>
    /// Queues who each slot m-section of the offers sent so far shows now (a server message <c>media-slots</c>), so that
    /// the browser can label its tiles; never blocks. Send it after the offer that introduces the mids it names.
    /// </summary>
    bool TrySendSlots(IReadOnlyList<MediaSlot> slots);

    /// <summary>Queues the meeting's speaker order (a server message <c>speakers</c>); never blocks.</summary>
    bool TrySendSpeakers(MediaSpeakers speakers);
}

/// <summary>What one of the browser's receiving slots shows.</summary>
public enum MediaSlotKind
{
    /// <summary>One other participant's microphone.</summary>
    Audio,

    /// <summary>A camera (one of the last speakers).</summary>
    Video,

    /// <summary>A shared screen.</summary>
    Screen,
}

/// <summary>One receiving m-section of the browser and whose media it carries now.</summary>
/// <param name="Mid">The m-section's mid, as in the offer.</param>
/// <param name="Kind">Audio, camera video or screen.</param>
/// <param name="ParticipantId">The participant whose media the slot carries; null while the slot is empty.</param>
public sealed record MediaSlot(string Mid, MediaSlotKind Kind, string? ParticipantId);

/// <summary>The meeting's speakers: most recently dominant first.</summary>
/// <param name="Order">Every participant with media, most recent dominant speaker first, then the others in join order.</param>
/// <param name="Dominant">Who speaks now or spoke last; null before anyone has spoken.</param>
public sealed record MediaSpeakers(IReadOnlyList<string> Order, string? Dominant);

/// <summary>Who the media plane deals with.</summary>
/// <param name="MeetingId">The meeting.</param>
/// <param name="ParticipantId">The participant's id in the room (the roster's id).</param>
/// <param name="DisplayName">Their name (for logs the media plane must not write; for server-side participants).</param>
/// <param name="Role">Host or participant.</param>
/// <param name="Kind">Staff or guest.</param>
/// <param name="DtlsFingerprint">
/// The SHA-256 fingerprint of the certificate the browser's current connection will use for DTLS ("AB:CD:…", 32 bytes),
/// from its <c>hello</c>; null when the browser gave none (it takes no part in media). Known on joins and reconnects.
/// </param>
/// <param name="EndToEndEncrypted">
/// The browser encrypts its frames with SFrame (it gave a public key): its video is VP8 only, whose clear prefix the
/// contract defines (crypto/Appliance.Crypto/E2ee/README.md).
/// </param>
public sealed record MediaParticipant(
    string MeetingId, string ParticipantId, string DisplayName, RoomRole Role, ParticipantKind Kind, string? DtlsFingerprint = null, bool EndToEndEncrypted = false)
{
    /// <summary>From the room's view of a participant, with the fingerprint of their current connection when known.</summary>
    public static MediaParticipant Of(string meetingId, ParticipantView participant, string? dtlsFingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new MediaParticipant(
            meetingId, participant.Id, participant.DisplayName, participant.Role, participant.Kind, dtlsFingerprint, participant.PublicKey is not null);
    }

    // Logs name participants by id only: never their names or fingerprints.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("MeetingId = ").Append(MeetingId).Append(", ParticipantId = ").Append(ParticipantId)
            .Append(", Role = ").Append(Role).Append(", Kind = ").Append(Kind);
        return true;
    }
}

/// <summary>An SDP offer from the server.</summary>
/// <param name="Revision">Increases with every offer to the same participant (1, 2, …); the answer names it.</param>
/// <param name="Sdp">The session description.</param>
public sealed record MediaOffer(long Revision, string Sdp);

/// <summary>The browser's SDP answer to the offer with the same revision.</summary>
public sealed record MediaAnswer(long Revision, string Sdp);

/// <summary>
/// No media: what the appliance runs with until the media plane is composed in. Lobby, chat and roster work; nobody is
/// sent an offer.
/// </summary>
public sealed class NoMeetingMedia : IMeetingMedia
{
    /// <inheritdoc />
    public ValueTask JoinAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask ReconnectAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask OnAnswerAsync(MediaParticipant participant, MediaAnswer answer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask OnMediaStateAsync(MediaParticipant participant, MediaState state, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask LeaveAsync(MediaParticipant participant, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask EndAsync(string meetingId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
