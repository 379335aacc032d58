using System.Security.Cryptography;
using System.Text;
using Appliance.Core.Policy;
using Appliance.Crypto;

namespace Appliance.Core.Identity;

/// <summary>One IdP claim value and the roles it grants here (a value may grant several).</summary>
public sealed record RoleMapping(string Value, StaffRoles Roles);

/// <summary>
/// What the appliance demands of a sign-in at the agency's IdP: the accepted <c>acr</c> values (any one of them will
/// do; empty means acr is not checked) and whether <c>amr</c> must show more than one factor.
/// </summary>
public sealed record OrganisationSignInRules(IReadOnlyList<RoleMapping> RoleMappings, IReadOnlyList<string> AcceptedAcrValues, bool RequireMfa);

/// <summary>A person as the IdP vouched for them in one sign-in, after the token's signature, issuer, audience and nonce were checked.</summary>
public sealed record OrganisationIdentity(
    string Issuer,
    string Subject,
    string? DisplayName,
    IReadOnlyList<string> RoleClaimValues,
    string? Acr,
    IReadOnlyList<string> Amr);

/// <summary>Why a sign-in at the IdP was or was not accepted here.</summary>
public enum OrganisationSignInStatus
{
    /// <summary>Accepted: the account is linked (or was created) and its roles are those of this sign-in.</summary>
    SignedIn,

    /// <summary>The acr is not one of the accepted values, or amr shows one factor where MFA is required.</summary>
    TooWeak,

    /// <summary>None of the person's claim values maps to a role here.</summary>
    NoRole,

    /// <summary>The linked account was disabled on this appliance.</summary>
    Disabled,
}

/// <summary>The decision on a sign-in at the IdP, with the account when it was accepted.</summary>
public sealed record OrganisationSignInResult(OrganisationSignInStatus Status, StaffUser? User);

/// <summary>
/// Staff who sign in at the agency's IdP (OIDC): checks the strength of each sign-in, maps the IdP's role claim to
/// roles here on every sign-in (roles are never kept from an earlier one), and links each person, by issuer and
/// subject, to an account here so that an operator can disable them locally and their sessions end.
/// </summary>
public sealed class OrganisationAccounts
{
    /// <summary>Marks the account's user name; ':' cannot occur in a local user name, so the two never meet.</summary>
    public const string UserNamePrefix = "oidc:";

    // Not a hash of anything: no password can ever verify against it, and local sign-in refuses external accounts anyway.
    private const string NoPassword = "!external";

    private readonly IIdentityStore _store;
    private readonly TimeProvider _time;
    private readonly OrganisationSignInRules _rules;

    public OrganisationAccounts(IIdentityStore store, TimeProvider time, OrganisationSignInRules rules)
    {
        _store = store;
        _time = time;
        _rules = rules;
    }

    /// <summary>
    /// True when <c>amr</c> (RFC 8176) shows more than one factor: "mfa" itself, or methods of two different kinds
    /// (something known, something held, something one is).
    /// </summary>
    public static bool IsMultiFactor(IEnumerable<string> amr) =>
        AuthenticationStrength.LevelFromAmr(amr) == AuthenticationLevel.Mfa;

    /// <summary>The roles the claim values grant; values are compared exactly (group names and ids are case-sensitive at most IdPs).</summary>
    public StaffRoles RolesFor(IEnumerable<string> claimValues)
    {
        var roles = StaffRoles.None;
        foreach (var value in claimValues)
        {
            foreach (var mapping in _rules.RoleMappings)
            {
                if (string.Equals(mapping.Value, value, StringComparison.Ordinal))
                {
                    roles |= mapping.Roles;
                }
            }
        }

        return roles;
    }

    /// <summary>True when the sign-in is as strong as the rules demand.</summary>
    public bool IsStrongEnough(string? acr, IReadOnlyList<string> amr)
    {
        ArgumentNullException.ThrowIfNull(amr);
        if (_rules.AcceptedAcrValues.Count > 0 && (acr is null || !_rules.AcceptedAcrValues.Contains(acr, StringComparer.Ordinal)))
        {
            return false;
        }

        return !_rules.RequireMfa || IsMultiFactor(amr);
    }

    /// <summary>The user name of the account linked to an IdP person: derived from issuer and subject, so it is unique per person.</summary>
    public static string UserNameFor(string issuer, string subject)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(subject);
        // The length prefix keeps ("a", "bc") and ("ab", "c") apart.
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"{issuer.Length}:{issuer}{subject}"));
#pragma warning disable CA1308 // lower case, like every other user name
        return UserNamePrefix + Base32.Encode(key.AsSpan(0, 20)).ToLowerInvariant();
#pragma warning restore CA1308
    }

    /// <summary>
    /// Decides on a sign-in the IdP vouched for. When accepted, the linked account is created on first sign-in, and
    /// its display name and roles are replaced by this sign-in's; a change of roles changes the security stamp, so that
    /// the person's other sessions (with the old roles) end.
    /// </summary>
    public async Task<OrganisationSignInResult> SignInAsync(OrganisationIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!IsStrongEnough(identity.Acr, identity.Amr))
        {
            return new(OrganisationSignInStatus.TooWeak, null);
        }

        var userName = UserNameFor(identity.Issuer, identity.Subject);
        var existing = await _store.FindUserByNameAsync(userName, cancellationToken);
        if (existing is not null && !IsSamePerson(existing, identity))
        {
            // A hash collision or a local account under a reserved name: never hand over someone else's account.
            throw new InvalidOperationException($"The account {existing.Id} does not belong to this IdP subject.");
        }

        if (existing is { Disabled: true })
        {
            return new(OrganisationSignInStatus.Disabled, existing);
        }

        var roles = RolesFor(identity.RoleClaimValues);
        if (roles == StaffRoles.None)
        {
            return new(OrganisationSignInStatus.NoRole, existing);
        }

        var now = _time.GetUtcNow();
        var displayName = DisplayNameOf(identity);
        if (existing is null)
        {
            var created = new StaffUser
            {
                Id = Ids.New(),
                UserName = userName,
                DisplayName = displayName,
                Roles = roles,
                PasswordHash = NoPassword,
                SecurityStamp = SecretToken.Generate(),
                CreatedAt = now,
                LastSignInAt = now,
                ExternalIssuer = identity.Issuer,
                ExternalSubject = identity.Subject,
            };
            if (await _store.TryAddUserAsync(created, cancellationToken))
            {
                return new(OrganisationSignInStatus.SignedIn, created);
            }

            // A parallel first sign-in of the same person created it a moment ago: continue with that account.
            existing = await _store.FindUserByNameAsync(userName, cancellationToken)
                ?? throw new InvalidOperationException("The account was taken but cannot be read.");
        }

        var updated = await _store.ChangeUserAsync<StaffUser?>(existing.Id, u =>
        {
            if (u is null || u.Disabled)
            {
                return (null, null);
            }

            var changed = u with
            {
                DisplayName = displayName,
                Roles = roles,
                LastSignInAt = now,
                SecurityStamp = u.Roles == roles ? u.SecurityStamp : SecretToken.Generate(),
            };
            return (changed, changed);
        }, cancellationToken);
        return updated is null
            ? new(OrganisationSignInStatus.Disabled, existing)
            : new(OrganisationSignInStatus.SignedIn, updated);
    }

    private static bool IsSamePerson(StaffUser user, OrganisationIdentity identity) =>
        string.Equals(user.ExternalIssuer, identity.Issuer, StringComparison.Ordinal) &&
        string.Equals(user.ExternalSubject, identity.Subject, StringComparison.Ordinal);

    private static string DisplayNameOf(OrganisationIdentity identity)
    {
        var name = identity.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return identity.Subject.Length <= AccountRules.MaxDisplayNameLength ? identity.Subject : identity.Subject[..AccountRules.MaxDisplayNameLength];
        }

        // Control and bidi characters in a name from the IdP would reach other people's screens (host, lobby).
        var clean = new string(name.Where(c => !char.IsControl(c) && !IsBidiControl(c)).ToArray());
        return clean.Length <= AccountRules.MaxDisplayNameLength ? clean : clean[..AccountRules.MaxDisplayNameLength];
    }

    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
