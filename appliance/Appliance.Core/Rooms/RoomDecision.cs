namespace Appliance.Core.Rooms;

/// <summary>Why the room did not do what was asked. Each edge maps every value to something a person can read.</summary>
public enum RoomRefusal
{
    /// <summary>The meeting was cancelled.</summary>
    MeetingCancelled,

    /// <summary>A host ended the meeting for everyone.</summary>
    MeetingEnded,

    /// <summary>The meeting is over (more than the grace time after its end).</summary>
    MeetingOver,

    /// <summary>Too early: guests can enter from a quarter of an hour before the start.</summary>
    TooEarly,

    /// <summary>The host has locked the meeting: nobody new can enter the lobby.</summary>
    Locked,

    /// <summary>The meeting has as many participants as it may have.</summary>
    Full,

    /// <summary>A host rejected or removed this person in this meeting session; the same invitation cannot come back.</summary>
    Refused,

    /// <summary>The resume token is unknown, expired or was already replaced by a newer one.</summary>
    UnknownResumeToken,

    /// <summary>The actor is not (or no longer) in the room, or acts from a connection that was replaced.</summary>
    NotInRoom,

    /// <summary>Only a host may do this.</summary>
    NotHost,

    /// <summary>There is no such participant.</summary>
    UnknownParticipant,

    /// <summary>The participant is not waiting in the lobby.</summary>
    NotInLobby,

    /// <summary>The participant is not admitted to the meeting (still in the lobby).</summary>
    NotAdmitted,

    /// <summary>A host cannot do this to themselves.</summary>
    NotOnSelf,

    /// <summary>A host cannot do this to another host.</summary>
    NotOnHost,

    /// <summary>Too many messages in a short time; try again in a moment.</summary>
    RateLimited,

    /// <summary>The text is empty or has characters that are not allowed (control characters, bidi overrides).</summary>
    InvalidText,

    /// <summary>The text is longer than allowed.</summary>
    TextTooLong,

    /// <summary>The meeting is end-to-end encrypted: chat must be sealed, plain text is not accepted.</summary>
    PlainChatInEncryptedMeeting,

    /// <summary>Not everyone in the meeting can read end-to-end encrypted chat, so sealed chat is not accepted.</summary>
    SealedChatInPlainMeeting,

    /// <summary>The recipient of a sender key has no public key (their browser cannot do end-to-end encryption).</summary>
    RecipientWithoutKey,
}

/// <summary>A change the media plane must hear about, in the order the room decided it.</summary>
public abstract record MediaChange;

/// <summary>The participant is admitted and connected: start their media.</summary>
public sealed record MediaJoin(ParticipantView Participant) : MediaChange;

/// <summary>The participant came back on a new connection: restart their transport and offer again.</summary>
public sealed record MediaReconnect(ParticipantView Participant) : MediaChange;

/// <summary>The participant reported new microphone, camera or screen flags.</summary>
public sealed record MediaStateChanged(ParticipantView Participant, MediaState State) : MediaChange;

/// <summary>The participant left the meeting (left, removed, or did not come back in time): stop their media.</summary>
public sealed record MediaLeave(ParticipantView Participant) : MediaChange;

/// <summary>The meeting ended: stop everything.</summary>
public sealed record MediaEnd(string MeetingId) : MediaChange;

/// <summary>
/// What the room decided about one operation: allowed (with the events to deliver and the media changes to make) or
/// refused with a reason. A refusal changes nothing.
/// </summary>
public sealed record RoomDecision
{
    /// <summary>An allowed operation that changes nothing anyone needs to hear about.</summary>
    public static RoomDecision Nothing { get; } = new();

    /// <summary>Null when allowed.</summary>
    public RoomRefusal? Refusal { get; init; }

    /// <summary>True when the operation happened.</summary>
    public bool Allowed => Refusal is null;

    /// <summary>Events to deliver, in order.</summary>
    public IReadOnlyList<Delivery> Deliveries { get; init; } = [];

    /// <summary>Changes for the media plane, in order.</summary>
    public IReadOnlyList<MediaChange> Media { get; init; } = [];

    /// <summary>
    /// The roster changed in a way that may wait a moment (a hand, media flags): call
    /// <see cref="MeetingRoom.FlushRoster"/> shortly, so that changes of many people at the same moment go out as one
    /// update. Any other roster update sent before then carries them too.
    /// </summary>
    public bool RosterSoon { get; init; }

    /// <summary>A refusal.</summary>
    public static RoomDecision Refuse(RoomRefusal refusal) => new() { Refusal = refusal };
}

/// <summary>The outcome of entering a room (with a ticket) or resuming a place (with a resume token).</summary>
public sealed record RoomEntry
{
    /// <summary>Allowed or refused, with what to deliver to the others.</summary>
    public required RoomDecision Decision { get; init; }

    /// <summary>The participant who entered (null when refused).</summary>
    public ParticipantView? Participant { get; init; }

    /// <summary>
    /// A new resume token (256 bits, base64url) that brings this participant back within the grace time after a drop.
    /// Only its hash is kept; every entry hands out a new one and the old one stops working.
    /// </summary>
    public string? ResumeToken { get; init; }

    /// <summary>The connection number to act with (see <see cref="RoomActor"/>).</summary>
    public int Connection { get; init; }

    /// <summary>
    /// When the same person was still connected on another connection, its number: that connection is now stale and
    /// should be closed.
    /// </summary>
    public int? ReplacedConnection { get; init; }

    /// <summary>The meeting as the room knows it.</summary>
    public MeetingRoomInfo? Room { get; init; }

    /// <summary>For admitted participants: who is in the meeting (empty in the lobby).</summary>
    public IReadOnlyList<ParticipantView> Roster { get; init; } = [];

    /// <summary>The end-to-end encryption state that goes with <see cref="Roster"/>.</summary>
    public RoomEncryption Encryption { get; init; } = new(false, 0);

    /// <summary>The roster revision that goes with <see cref="Roster"/> (updates that follow carry the next ones).</summary>
    public long RosterRevision { get; init; }

    /// <summary>For hosts: who waits in the lobby.</summary>
    public IReadOnlyList<LobbyEntryView> Lobby { get; init; } = [];

    /// <summary>Chat messages the participant missed (after a drop or a reload), oldest first; only since their admission.</summary>
    public IReadOnlyList<ChatMessage> MissedChat { get; init; } = [];

    /// <summary>True when the entry was refused.</summary>
    public bool Refused => !Decision.Allowed;

    /// <summary>A refused entry.</summary>
    public static RoomEntry Refuse(RoomRefusal refusal) => new() { Decision = RoomDecision.Refuse(refusal) };
}

/// <summary>The facts of a room that an entering participant is told.</summary>
/// <param name="MeetingId">The meeting's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="ClassificationId">Its classification level's id (for the marking).</param>
/// <param name="Locked">Whether the room is locked.</param>
public sealed record MeetingRoomInfo(string MeetingId, string Title, string ClassificationId, bool Locked);
