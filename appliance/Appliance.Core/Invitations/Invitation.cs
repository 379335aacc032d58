namespace Appliance.Core.Invitations;

/// <summary>
/// A guest's way into a meeting: a 256-bit random token of which only the SHA-256 hash is stored,
/// with an expiry and an optional PIN (stored as an Argon2id hash, attempts limited).
/// </summary>
public sealed record Invitation
{
    public required string Id { get; init; }

    public required string MeetingId { get; init; }

    /// <summary>The guest's name as the organiser wrote it, shown in the lobby.</summary>
    public required string GuestName { get; init; }

    public required string TokenHash { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Argon2id hash of the PIN; null when the invitation has no PIN.</summary>
    public string? PinHash { get; init; }

    /// <summary>Wrong PINs in a row; at the limit the invitation locks.</summary>
    public int FailedPinAttempts { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True when the invitation can still open its meeting (apart from the meeting's own state).</summary>
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt && FailedPinAttempts < InvitationRules.MaxPinAttempts;
}
