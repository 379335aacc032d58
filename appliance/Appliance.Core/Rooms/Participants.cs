namespace Appliance.Core.Rooms;

/// <summary>Whether a participant signed in as staff or came with a guest invitation; shown to everyone.</summary>
public enum ParticipantKind
{
    /// <summary>A signed-in member of staff.</summary>
    Staff,

    /// <summary>Someone who came with a personal guest link (a citizen, interpreter, relative, employer …).</summary>
    Guest,
}

/// <summary>What a participant may do in the live meeting.</summary>
public enum RoomRole
{
    /// <summary>Lets people in, removes them, locks and ends the meeting. Today: the organiser.</summary>
    Host,

    /// <summary>Everyone else.</summary>
    Participant,
}

/// <summary>Where a participant is.</summary>
public enum PresenceState
{
    /// <summary>Waiting for a host to let them in.</summary>
    Lobby,

    /// <summary>In the meeting.</summary>
    Admitted,
}

/// <summary>What a participant sends: the flags each browser reports about itself.</summary>
/// <param name="AudioMuted">The microphone is off (or there is none).</param>
/// <param name="VideoMuted">The camera is off (or there is none).</param>
/// <param name="ScreenSharing">The participant shares a screen or window.</param>
public sealed record MediaState(bool AudioMuted, bool VideoMuted, bool ScreenSharing)
{
    /// <summary>Before a browser has said anything: nothing is sent.</summary>
    public static MediaState Nothing { get; } = new(AudioMuted: true, VideoMuted: true, ScreenSharing: false);
}

/// <summary>A participant as the room shows them at one moment (an immutable snapshot).</summary>
/// <param name="Id">Random id for this stay in the room (not the account or invitation id).</param>
/// <param name="DisplayName">The staff member's name, or the guest's name as the organiser wrote it.</param>
/// <param name="Kind">Staff or guest.</param>
/// <param name="Role">Host or participant.</param>
/// <param name="InvitationId">The invitation a guest came with; null for staff. Server-side only.</param>
/// <param name="State">Lobby or admitted.</param>
/// <param name="HandRaised">The participant has raised their hand.</param>
/// <param name="Media">Their microphone, camera and screen flags.</param>
/// <param name="Connected">False while their connection is lost and the room waits for them to come back.</param>
/// <param name="PublicKey">Their browser's X25519 public key for this page (base64url); null when it cannot do E2EE.</param>
/// <param name="SenderIndex">Their SFrame sender index (1, 2, … in order of first admission with a key); null without one.</param>
public sealed record ParticipantView(
    string Id,
    string DisplayName,
    ParticipantKind Kind,
    RoomRole Role,
    string? InvitationId,
    PresenceState State,
    bool HandRaised,
    MediaState Media,
    bool Connected,
    string? PublicKey = null,
    int? SenderIndex = null)
{
    /// <summary>True for guests.</summary>
    public bool IsGuest => Kind == ParticipantKind.Guest;

    /// <summary>True for hosts.</summary>
    public bool IsHost => Role == RoomRole.Host;
}

/// <summary>Who asks to enter a room, after the edge has checked their ticket.</summary>
/// <param name="Kind">Staff or guest.</param>
/// <param name="SubjectId">The staff member's user id, or the guest's invitation id.</param>
/// <param name="DisplayName">The name to show.</param>
public sealed record RoomEntrant(ParticipantKind Kind, string SubjectId, string DisplayName)
{
    /// <summary>A signed-in member of staff.</summary>
    public static RoomEntrant Staff(string userId, string displayName) => new(ParticipantKind.Staff, userId, displayName);

    /// <summary>A guest with an invitation.</summary>
    public static RoomEntrant Guest(string invitationId, string guestName) => new(ParticipantKind.Guest, invitationId, guestName);

    /// <summary>One key per person and meeting: the same person entering again takes over their place.</summary>
    internal string Key => (Kind == ParticipantKind.Staff ? "staff:" : "guest:") + SubjectId;
}

/// <summary>
/// The participant on whose behalf an operation runs, and the connection it came on: an operation from a connection
/// that has since been replaced (the person reconnected elsewhere) is refused.
/// </summary>
/// <param name="ParticipantId">The participant's id in the room.</param>
/// <param name="Connection">The connection number the room handed out when they entered or resumed.</param>
public sealed record RoomActor(string ParticipantId, int Connection);
