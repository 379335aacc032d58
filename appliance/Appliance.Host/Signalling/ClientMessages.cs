using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>A message from a browser, after validation. See PROTOCOL.md.</summary>
/// <remarks><see cref="Id"/> is the client's own optional reference, echoed in an error about this message.</remarks>
internal abstract record ClientMessage
{
    public string? Id { get; init; }

    /// <summary>The wire name of the type.</summary>
    public abstract string Type { get; }
}

/// <summary>
/// The first message: a join ticket from the meeting page, or a resume token after a drop; with the fingerprint of the
/// browser's DTLS certificate when it wants media, and the page's X25519 public key (base64url) when it can do E2EE.
/// </summary>
internal sealed record HelloMessage(string? Ticket, string? Resume, long? LastChat, string? DtlsFingerprint = null, string? E2eePublicKey = null) : ClientMessage
{
    public override string Type => "hello";
}

/// <summary>The browser's SDP answer to the server's offer of the same revision.</summary>
internal sealed record AnswerMessage(long Revision, string Sdp) : ClientMessage
{
    public override string Type => "answer";
}

/// <summary>A chat message to everyone admitted: plain text, or (end-to-end encrypted) sealed; exactly one.</summary>
internal sealed record ChatSendMessage(string? Text, string? Sealed = null) : ClientMessage
{
    public override string Type => "chat";
}

/// <summary>One's sender key of a generation, sealed to one other participant's public key (opaque to the server).</summary>
internal sealed record SenderKeyMessage(string To, long Generation, string Sealed) : ClientMessage
{
    public override string Type => "e2ee-key";
}

/// <summary>Raise or lower one's hand.</summary>
internal sealed record HandMessage(bool Raised) : ClientMessage
{
    public override string Type => "hand";
}

/// <summary>One's microphone, camera and screen flags.</summary>
internal sealed record MediaStateMessage(MediaState State) : ClientMessage
{
    public override string Type => "media-state";
}

/// <summary>A fixed message from the lobby to the hosts.</summary>
internal sealed record LobbyNoteMessage(LobbyMessageCode Code) : ClientMessage
{
    public override string Type => "lobby-message";
}

/// <summary>What a host does to one participant.</summary>
internal enum HostAction
{
    Admit,
    Reject,
    Remove,
    AskUnmute,
}

/// <summary>A host's action on one participant.</summary>
internal sealed record HostActionMessage(HostAction Action, string ParticipantId) : ClientMessage
{
    public override string Type => Action switch
    {
        HostAction.Admit => "admit",
        HostAction.Reject => "reject",
        HostAction.Remove => "remove",
        HostAction.AskUnmute => "ask-unmute",
        _ => throw new InvalidOperationException("Unknown host action."),
    };
}

/// <summary>A host locks or unlocks the meeting.</summary>
internal sealed record LockMessage(bool Locked) : ClientMessage
{
    public override string Type => "lock";
}

/// <summary>A host ends the meeting for everyone.</summary>
internal sealed record EndMessage : ClientMessage
{
    public override string Type => "end";
}

/// <summary>Leave the meeting for good.</summary>
internal sealed record LeaveMessage : ClientMessage
{
    public override string Type => "leave";
}

/// <summary>Send me the whole roster (the client missed an update).</summary>
internal sealed record RosterRequestMessage : ClientMessage
{
    public override string Type => "roster-request";
}

/// <summary>Are you there? (answered by pong).</summary>
internal sealed record PingMessage : ClientMessage
{
    public override string Type => "ping";
}
