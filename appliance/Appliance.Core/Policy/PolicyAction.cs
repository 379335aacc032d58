using System.Net;
using Appliance.Core.Identity;

namespace Appliance.Core.Policy;

/// <summary>
/// What someone wants to do in or with a meeting. <see cref="PolicyEngine.Decide"/> switches over every value without
/// a default, so a new action does not build until the engine decides it.
/// </summary>
public enum PolicyAction
{
    /// <summary>Book a meeting of the level (the context carries the planned times and participant count).</summary>
    Book,

    /// <summary>Invite a guest (create an invitation link).</summary>
    Invite,

    /// <summary>Enter the meeting as a signed-in staff member.</summary>
    JoinAsStaff,

    /// <summary>Enter the meeting (or its lobby) as a guest with an invitation.</summary>
    JoinAsGuest,

    /// <summary>Go straight into the meeting instead of waiting in the lobby.</summary>
    BypassLobby,

    /// <summary>Let someone in from the lobby (the actor is the host).</summary>
    Admit,

    /// <summary>Share a screen or window.</summary>
    ShareScreen,

    /// <summary>Send a chat message.</summary>
    SendChat,

    /// <summary>Start recording the meeting.</summary>
    StartRecording,

    /// <summary>Join by telephone or from a room system over SIP.</summary>
    DialIn,

    /// <summary>Have the appliance call a telephone number or SIP address into the meeting.</summary>
    DialOut,
}

/// <summary>Who the actor is to the appliance.</summary>
public enum ActorKind
{
    /// <summary>A signed-in member of staff.</summary>
    Staff,

    /// <summary>Someone with an invitation and no staff account.</summary>
    Guest,

    /// <summary>A caller arriving through the SIP gateway (telephone or room system).</summary>
    SipCaller,
}

/// <summary>The person (or gateway) asking, with what the policy needs to know about how they arrived.</summary>
public sealed record PolicyActor
{
    /// <summary>Staff, guest or SIP caller.</summary>
    public required ActorKind Kind { get; init; }

    /// <summary>A stable id for the audit log: the staff user id, the invitation id, or the caller's SIP URI.</summary>
    public required string Id { get; init; }

    /// <summary>The staff member's roles; <see cref="StaffRoles.None"/> for guests and callers.</summary>
    public StaffRoles Roles { get; init; }

    /// <summary>True when the actor hosts this meeting (organiser or co-host).</summary>
    public bool IsHost { get; init; }

    /// <summary>How strongly a staff member signed in.</summary>
    public AuthenticationLevel Authentication { get; init; }

    /// <summary>The sign-in's OIDC acr value, when the IdP sent one.</summary>
    public string? Acr { get; init; }

    /// <summary>The sign-in's OIDC amr values, kept for the audit entry.</summary>
    public IReadOnlyList<string> Amr { get; init; } = [];

    /// <summary>The client's address as the appliance saw it; null when unknown (which fails closed).</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>What a guest showed to enter; null for staff and callers.</summary>
    public GuestProof? GuestProofShown { get; init; }

    /// <summary>Whether the client can take part in end-to-end encryption (insertable streams, SFrame).</summary>
    public bool ClientSupportsEndToEndEncryption { get; init; }

    /// <summary>True for a guest.</summary>
    public bool IsGuest => Kind == ActorKind.Guest;

    /// <summary>A staff member; the authentication level is read from the amr values when not given.</summary>
    public static PolicyActor Staff(
        string userId,
        StaffRoles roles,
        IPAddress? clientAddress,
        IReadOnlyList<string>? amr = null,
        string? acr = null,
        AuthenticationLevel? authentication = null,
        bool isHost = false,
        bool supportsEndToEndEncryption = true) => new()
        {
            Kind = ActorKind.Staff,
            Id = userId,
            Roles = roles,
            ClientAddress = clientAddress,
            Amr = amr ?? [],
            Acr = acr,
            Authentication = authentication ?? AuthenticationStrength.LevelFromAmr(amr),
            IsHost = isHost,
            ClientSupportsEndToEndEncryption = supportsEndToEndEncryption,
        };

    /// <summary>A guest who entered with an invitation.</summary>
    public static PolicyActor Guest(string invitationId, GuestProof proofShown, IPAddress? clientAddress, bool supportsEndToEndEncryption = true) => new()
    {
        Kind = ActorKind.Guest,
        Id = invitationId,
        GuestProofShown = proofShown,
        ClientAddress = clientAddress,
        ClientSupportsEndToEndEncryption = supportsEndToEndEncryption,
    };

    /// <summary>A caller arriving through the SIP gateway; SIP endpoints cannot do end-to-end encryption.</summary>
    public static PolicyActor SipCaller(string callerUri) => new() { Kind = ActorKind.SipCaller, Id = callerUri };
}

/// <summary>The meeting the decision is about, as far as the policy needs it.</summary>
public sealed record PolicyContext
{
    /// <summary>The meeting's id (empty while booking).</summary>
    public string MeetingId { get; init; } = string.Empty;

    /// <summary>The meeting's classification level (for its name in reasons and its controls).</summary>
    public required PolicyLevel Level { get; init; }

    /// <summary>
    /// The controls in force for this meeting when they differ from <see cref="Level"/>'s: for a running meeting the
    /// stricter of the version it was booked under and the current one (see <see cref="PolicyControls.Stricter"/>).
    /// </summary>
    public PolicyControls? EffectiveControls { get; init; }

    /// <summary>The controls the engine applies.</summary>
    public PolicyControls Controls => EffectiveControls ?? Level.Controls;

    /// <summary>The booked (or, while booking, planned) start.</summary>
    public DateTimeOffset ScheduledStart { get; init; }

    /// <summary>The booked (or planned) end.</summary>
    public DateTimeOffset ScheduledEnd { get; init; }

    /// <summary>When the meeting actually began; null before anyone entered.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The time of the decision, from the caller's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>People in the meeting now; while booking, the number of listed participants including the organiser.</summary>
    public int ParticipantCount { get; init; }
}

/// <summary>
/// The policy's answer: allowed or not, the rule that decided (a stable id for the audit log and for tests), and the
/// reason in English, Danish and Swedish that is shown to the person as it stands.
/// </summary>
public sealed record PolicyDecision(bool Allowed, string RuleId, IReadOnlyDictionary<string, string> Reason)
{
    /// <summary>The reason in the given locale, falling back to English.</summary>
    public string ReasonIn(string locale) => Reason.TryGetValue(locale, out var text) ? text : Reason["en"];
}
