namespace Appliance.Core.Identity;

/// <summary>
/// A staff account: local (the embedded default when no IdP is configured, and the break-glass path), or linked to a
/// person at the agency's IdP (<see cref="ExternalIssuer"/> and <see cref="ExternalSubject"/> set), who then has no
/// password here but can still be disabled here.
/// </summary>
public sealed record StaffUser
{
    /// <summary>Random, stable id.</summary>
    public required string Id { get; init; }

    /// <summary>Sign-in name, stored lower-case.</summary>
    public required string UserName { get; init; }

    /// <summary>The name shown to others, for example as a meeting's host.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Roles held.</summary>
    public required StaffRoles Roles { get; init; }

    /// <summary>Argon2id hash in PHC format.</summary>
    public required string PasswordHash { get; init; }

    /// <summary>The TOTP secret once enrolment has started; only used after <see cref="TotpEnabled"/>.</summary>
    public byte[]? TotpSecret { get; init; }

    /// <summary>True once the person has proven a code from their authenticator.</summary>
    public bool TotpEnabled { get; init; }

    /// <summary>The last accepted TOTP time step, so that a code cannot be used twice.</summary>
    public long TotpLastStep { get; init; }

    /// <summary>Consecutive failed sign-ins (password or code).</summary>
    public int FailedSignIns { get; init; }

    /// <summary>While set and in the future, sign-in is refused without checking the password.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>A disabled account cannot sign in.</summary>
    public bool Disabled { get; init; }

    /// <summary>Changes on password or second-factor change, so that existing sessions end.</summary>
    public required string SecurityStamp { get; init; }

    /// <summary>When the account was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The last successful sign-in.</summary>
    public DateTimeOffset? LastSignInAt { get; init; }

    /// <summary>The IdP's issuer for an account that signs in with OIDC; null for a local account.</summary>
    public string? ExternalIssuer { get; init; }

    /// <summary>The IdP's stable subject (<c>sub</c>) for an account that signs in with OIDC; null for a local account.</summary>
    public string? ExternalSubject { get; init; }

    /// <summary>True for an account that signs in at the agency's IdP, never with a password here.</summary>
    public bool IsExternal => ExternalSubject is not null;
}
