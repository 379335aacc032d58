namespace Appliance.Core.Rooms;

/// <summary>
/// The short messages a guest in the lobby can send the host. Fixed codes, not free text: the host's screen shows them
/// in the host's language, and nobody can use the lobby to send the host arbitrary text before being let in.
/// </summary>
public enum LobbyMessageCode
{
    /// <summary>"I am here."</summary>
    Here,

    /// <summary>"I am running late."</summary>
    Late,

    /// <summary>"I cannot get video to work."</summary>
    NoVideo,
}

/// <summary>A lobby message as the host sees it.</summary>
public sealed record LobbyNote(LobbyMessageCode Code, DateTimeOffset At);

/// <summary>Someone waiting in the lobby, as the hosts see them.</summary>
/// <param name="ParticipantId">Their id in the room (what admit and reject name).</param>
/// <param name="DisplayName">Their name.</param>
/// <param name="Kind">Staff or guest.</param>
/// <param name="Since">When they entered the lobby.</param>
/// <param name="Connected">False while their connection is lost.</param>
/// <param name="Messages">What they told the host, oldest first.</param>
public sealed record LobbyEntryView(
    string ParticipantId,
    string DisplayName,
    ParticipantKind Kind,
    DateTimeOffset Since,
    bool Connected,
    IReadOnlyList<LobbyNote> Messages);

/// <summary>A chat message of the meeting.</summary>
/// <param name="Sequence">1, 2, 3 … per room: clients see gaps and order by it.</param>
/// <param name="SenderId">The sender's participant id.</param>
/// <param name="SenderName">The sender's name when they sent it.</param>
/// <param name="Text">The validated text; null for an end-to-end encrypted message.</param>
/// <param name="SentAt">Server time.</param>
/// <param name="Sealed">The SFrame ciphertext (base64url) of an end-to-end encrypted message, opaque to the server.</param>
public sealed record ChatMessage(long Sequence, string SenderId, string SenderName, string? Text, DateTimeOffset SentAt, string? Sealed = null);
