namespace Appliance.Core.Identity;

/// <summary>
/// A personal API token, so that a case-management system can book meetings on a staff member's behalf.
/// Only the SHA-256 hash of the token is stored.
/// </summary>
public sealed record ApiToken
{
    public required string Id { get; init; }

    public required string UserId { get; init; }

    /// <summary>What the person called it ("Case system").</summary>
    public required string Name { get; init; }

    public required string TokenHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True while the token may be used.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
