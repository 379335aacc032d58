namespace Appliance.Core.Rooms;

/// <summary>Something the room tells participants. The edge turns each into one message on the wire.</summary>
public abstract record RoomEvent;

/// <summary>
/// The whole roster, for one who has none yet or lost track of it: a guest just admitted, or someone who asked for it
/// after missing an update. Everyone else hears of changes as <see cref="RosterUpdated"/>.
/// </summary>
/// <param name="Participants">The admitted participants in order of admission.</param>
/// <param name="Encryption">The meeting's end-to-end encryption state with this roster.</param>
/// <param name="Revision">The roster revision this list is; the next <see cref="RosterUpdated"/> carries one more.</param>
public sealed record RosterChanged(IReadOnlyList<ParticipantView> Participants, RoomEncryption? Encryption = null, long Revision = 0) : RoomEvent;

/// <summary>
/// The admitted participants changed (someone came, left, raised a hand, muted, dropped …): only what changed, so that
/// a change in a large meeting costs its size once rather than its square.
/// </summary>
/// <param name="Changed">Participants admitted or changed since the previous revision, as they are now.</param>
/// <param name="Removed">Ids of participants no longer admitted.</param>
/// <param name="Encryption">The meeting's end-to-end encryption state after the change.</param>
/// <param name="Revision">One more than the revision before; a recipient who does not hold that one lost an update.</param>
public sealed record RosterUpdated(IReadOnlyList<ParticipantView> Changed, IReadOnlyList<string> Removed, RoomEncryption Encryption, long Revision) : RoomEvent;

/// <summary>The end-to-end encryption state of the admitted roster.</summary>
/// <param name="Enabled">Every admitted participant has a public key, so media and chat are end-to-end encrypted.</param>
/// <param name="Epoch">Increases by one with every change of the admitted roster (or of someone's key).</param>
public sealed record RoomEncryption(bool Enabled, long Epoch);

/// <summary>
/// A sender key sealed to one participant (HPKE; opaque to the server), relayed from its sender. See
/// crypto/Appliance.Crypto/E2ee/README.md.
/// </summary>
/// <param name="FromParticipantId">The sender of the key.</param>
/// <param name="Generation">The sender's key generation.</param>
/// <param name="Sealed">The HPKE output, base64url, exactly as the sender gave it.</param>
public sealed record SenderKeyRelayed(string FromParticipantId, long Generation, string Sealed) : RoomEvent;

/// <summary>Who waits in the lobby, with their messages (hosts only). The full list.</summary>
public sealed record LobbyQueueChanged(IReadOnlyList<LobbyEntryView> Waiting) : RoomEvent;

/// <summary>You were let in.</summary>
public sealed record Admitted : RoomEvent;

/// <summary>The host did not let you in.</summary>
public sealed record Rejected : RoomEvent;

/// <summary>The host removed you from the meeting.</summary>
public sealed record Removed : RoomEvent;

/// <summary>A host asks you to turn your microphone on. Only you can do that.</summary>
public sealed record AskedToUnmute(string ByParticipantId, string ByName) : RoomEvent;

/// <summary>The meeting was locked or unlocked.</summary>
public sealed record LockChanged(bool Locked) : RoomEvent;

/// <summary>The meeting was ended for everyone: by a host, an operator, or the policy's longest duration.</summary>
/// <param name="Reason">Who or what ended it, for the client to say.</param>
public sealed record MeetingEnded(MeetingEndReason Reason = MeetingEndReason.Host) : RoomEvent;

/// <summary>Why a meeting ended.</summary>
public enum MeetingEndReason
{
    /// <summary>A host ended it for everyone.</summary>
    Host,

    /// <summary>An operator ended it from the admin pages.</summary>
    Operator,

    /// <summary>It ran as long as its classification level allows (the policy's maximum duration).</summary>
    MaxDuration,
}

/// <summary>The meeting will be ended at <paramref name="EndsAt"/> because it reaches its level's longest duration.</summary>
/// <param name="EndsAt">When it ends.</param>
/// <param name="MinutesLeft">Whole minutes left when the warning was given (10, then 2).</param>
public sealed record MeetingEndingSoon(DateTimeOffset EndsAt, int MinutesLeft) : RoomEvent;

/// <summary>A chat message.</summary>
public sealed record ChatPosted(ChatMessage Message) : RoomEvent;

/// <summary>Who a delivery was meant for, as a rule (the recipients are resolved from it).</summary>
public enum Audience
{
    /// <summary>Everyone connected, in the lobby or admitted.</summary>
    Everyone,

    /// <summary>Every connected admitted participant.</summary>
    Admitted,

    /// <summary>Connected hosts only.</summary>
    Hosts,

    /// <summary>One participant.</summary>
    One,
}

/// <summary>An event and the participants it goes to (resolved when it was decided; only connected participants).</summary>
public sealed record Delivery(Audience Audience, RoomEvent Event, IReadOnlyList<string> Recipients);
