using Appliance.Core.Validation;
using Appliance.Crypto;

namespace Appliance.Core.Identity;

/// <summary>
/// Local staff accounts: the bootstrap of the first administrator, password and TOTP sign-in with lockout,
/// TOTP enrolment and personal API tokens.
/// </summary>
public sealed class LocalAccounts
{
    // A fixed hash to verify against when the user does not exist, so that "no such user" costs as much as "wrong password".
    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash("not-a-real-password-" + SecretToken.Generate()));

    private readonly IIdentityStore _store;
    private readonly TimeProvider _time;

    public LocalAccounts(IIdentityStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>
    /// At start-up: when no account exists, issues a fresh bootstrap grant (replacing any earlier one) and returns its
    /// token for the operator; otherwise removes any leftover grant and returns null.
    /// </summary>
    public async Task<string?> PrepareBootstrapAsync(CancellationToken cancellationToken = default)
    {
        if (await _store.CountUsersAsync(cancellationToken) > 0)
        {
            if (await _store.GetBootstrapGrantAsync(cancellationToken) is not null)
            {
                await _store.SetBootstrapGrantAsync(null, cancellationToken);
            }

            return null;
        }

        var token = SecretToken.Generate();
        var grant = new BootstrapGrant(SecretToken.Hash(token), _time.GetUtcNow() + AccountRules.BootstrapLifetime);
        await _store.SetBootstrapGrantAsync(grant, cancellationToken);
        return token;
    }

    /// <summary>True when the token is the current, unexpired bootstrap grant and no account exists yet.</summary>
    public async Task<bool> IsBootstrapTokenValidAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!SecretToken.LooksValid(token))
        {
            return false;
        }

        var grant = await _store.GetBootstrapGrantAsync(cancellationToken);
        return grant is not null && _time.GetUtcNow() < grant.ExpiresAt && SecretToken.Matches(token!, grant.TokenHash) &&
               await _store.CountUsersAsync(cancellationToken) == 0;
    }

    /// <summary>Creates the first administrator (all roles) with the bootstrap token, which is consumed.</summary>
    public async Task<Outcome<StaffUser>> CompleteBootstrapAsync(string? token, string? userName, string? displayName, string? password, CancellationToken cancellationToken = default)
    {
        if (!await IsBootstrapTokenValidAsync(token, cancellationToken))
        {
            return Outcome<StaffUser>.Fail(FailureKind.NotFound, Messages.NotAllowed);
        }

        var errors = new ValidationErrors();
        var (name, display) = AccountRules.Validate(errors, userName, displayName, password);
        if (!errors.IsEmpty)
        {
            return Outcome<StaffUser>.Invalid(errors);
        }

        var user = NewUser(name!, display!, password!, StaffRoles.All);
        return await _store.TryConsumeBootstrapAsync(SecretToken.Hash(token!), user, _time.GetUtcNow(), cancellationToken)
            ? Outcome<StaffUser>.Ok(user)
            : Outcome<StaffUser>.Fail(FailureKind.NotFound, Messages.NotAllowed);
    }

    /// <summary>An operator creates a local account with the given roles.</summary>
    public async Task<Outcome<StaffUser>> CreateUserAsync(StaffActor actor, string? userName, string? displayName, string? password, StaffRoles roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(StaffRoles.Operator))
        {
            return Outcome<StaffUser>.Fail(FailureKind.Forbidden, Messages.NotAllowed);
        }

        var errors = new ValidationErrors();
        var (name, display) = AccountRules.Validate(errors, userName, displayName, password);
        if ((roles & ~StaffRoles.All) != 0)
        {
            errors.Add("roles", Messages.InvalidRole);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<StaffUser>.Invalid(errors);
        }

        var user = NewUser(name!, display!, password!, roles);
        if (!await _store.TryAddUserAsync(user, cancellationToken))
        {
            errors.Add("userName", Messages.UserNameTaken);
            return Outcome<StaffUser>.Invalid(errors);
        }

        return Outcome<StaffUser>.Ok(user);
    }

    /// <summary>
    /// An operator disables or enables an account, local or linked to the IdP. Disabling changes the security stamp, so
    /// that every session of the account ends at once; operators cannot disable their own account (the break-glass one).
    /// </summary>
    public async Task<Outcome<StaffUser>> SetDisabledAsync(StaffActor actor, string? userId, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(StaffRoles.Operator) || !Ids.LooksValid(userId) || (disabled && userId == actor.UserId))
        {
            return Outcome<StaffUser>.Fail(FailureKind.Forbidden, Messages.NotAllowed);
        }

        var changed = await _store.ChangeUserAsync<StaffUser?>(userId!, u =>
        {
            if (u is null)
            {
                return (null, null);
            }

            var updated = u with
            {
                Disabled = disabled,
                SecurityStamp = disabled ? SecretToken.Generate() : u.SecurityStamp,
                FailedSignIns = disabled ? u.FailedSignIns : 0,
                LockedUntil = disabled ? u.LockedUntil : null,
            };
            return (updated, updated);
        }, cancellationToken);
        return changed is null ? Outcome<StaffUser>.Fail(FailureKind.NotFound, Messages.NotAllowed) : Outcome<StaffUser>.Ok(changed);
    }

    /// <summary>
    /// An operator changes the roles of a local account. Accounts linked to the IdP take their roles from it at each
    /// sign-in and are refused here; operators cannot take the operator role from themselves. A change of roles changes
    /// the security stamp, so that every session of the account ends and the next sign-in carries the new roles.
    /// </summary>
    public async Task<Outcome<StaffUser>> SetRolesAsync(StaffActor actor, string? userId, StaffRoles roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(StaffRoles.Operator) || !Ids.LooksValid(userId) || (userId == actor.UserId && !roles.HasFlag(StaffRoles.Operator)))
        {
            return Outcome<StaffUser>.Fail(FailureKind.Forbidden, Messages.NotAllowed);
        }

        var refused = false;
        var changed = await _store.ChangeUserAsync<StaffUser?>(userId!, u =>
        {
            if (u is null)
            {
                return (null, null);
            }

            if (u.IsExternal)
            {
                refused = true;
                return (null, null);
            }

            if (u.Roles == roles)
            {
                return (null, u);
            }

            var updated = u with { Roles = roles, SecurityStamp = SecretToken.Generate() };
            return (updated, updated);
        }, cancellationToken);
        return refused ? Outcome<StaffUser>.Fail(FailureKind.Forbidden, Messages.NotAllowed)
            : changed is null ? Outcome<StaffUser>.Fail(FailureKind.NotFound, Messages.NotAllowed)
            : Outcome<StaffUser>.Ok(changed);
    }

    /// <summary>
    /// First step: user name and password. Every step of a sign-in that has not completed counts as an attempt, counted
    /// before the check so that parallel guesses cannot outrun the lockout; a completed sign-in clears the count.
    /// </summary>
    public async Task<SignInResult> CheckPasswordAsync(string? userName, string? password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password) ||
            userName.Length > AccountRules.MaxUserNameLength || password.Length > AccountRules.MaxPasswordLength)
        {
            return SignInResult.Failed;
        }

        var user = await _store.FindUserByNameAsync(userName.Trim(), cancellationToken);
        // An account linked to the IdP has no password here: it answers exactly like an unknown name.
        if (user is null || user.Disabled || user.IsExternal)
        {
            PasswordHasher.Verify(password, DummyHash.Value);
            return SignInResult.Failed;
        }

        var gate = await BeginAttemptAsync(user.Id, cancellationToken);
        if (gate == AttemptGate.Locked)
        {
            return SignInResult.LockedOut;
        }

        if (!PasswordHasher.Verify(password, user.PasswordHash))
        {
            return gate == AttemptGate.LastAttempt ? SignInResult.LockedOut : SignInResult.Failed;
        }

        var rehash = PasswordHasher.NeedsRehash(user.PasswordHash) ? PasswordHasher.Hash(password) : null;
        var current = await _store.ChangeUserAsync<StaffUser?>(user.Id, u => u is null
            ? (null, (StaffUser?)null)
            : Changed(u with
            {
                PasswordHash = rehash ?? u.PasswordHash,
                // The right password on the attempt that locked the account leaves exactly one try for the code.
                LockedUntil = gate == AttemptGate.LastAttempt ? null : u.LockedUntil,
                FailedSignIns = gate == AttemptGate.LastAttempt ? AccountRules.MaxFailedSignIns - 1 : u.FailedSignIns,
            }), cancellationToken);
        if (current is null)
        {
            return SignInResult.Failed;
        }

        return new SignInResult(current.TotpEnabled ? SignInStatus.NeedsCode : SignInStatus.NeedsEnrolment, current);
    }

    /// <summary>Second step: the code from the authenticator. A used code cannot be used again, even in parallel.</summary>
    public Task<SignInResult> CheckCodeAsync(string userId, string? code, CancellationToken cancellationToken = default) =>
        CheckCodeAsync(userId, code, enrolling: false, cancellationToken);

    private async Task<SignInResult> CheckCodeAsync(string userId, string? code, bool enrolling, CancellationToken cancellationToken)
    {
        var user = await _store.FindUserByIdAsync(userId, cancellationToken);
        if (user is null || user.Disabled || user.TotpSecret is null || user.TotpEnabled == enrolling)
        {
            return SignInResult.Failed;
        }

        var gate = await BeginAttemptAsync(user.Id, cancellationToken);
        if (gate == AttemptGate.Locked)
        {
            return SignInResult.LockedOut;
        }

        var now = _time.GetUtcNow();
        if (code is null || !Totp.TryVerify(user.TotpSecret, code, now, user.TotpLastStep, out var step))
        {
            return gate == AttemptGate.LastAttempt ? SignInResult.LockedOut : SignInResult.Failed;
        }

        // Claim the step atomically: of two requests with the same code only the first signs in.
        var signedIn = await _store.ChangeUserAsync<StaffUser?>(user.Id, u =>
        {
            if (u is null || u.Disabled || u.TotpLastStep >= step || u.TotpEnabled == enrolling)
            {
                return (null, (StaffUser?)null);
            }

            var updated = u with
            {
                TotpLastStep = step,
                TotpEnabled = true,
                FailedSignIns = 0,
                LockedUntil = null,
                LastSignInAt = now,
                SecurityStamp = enrolling ? SecretToken.Generate() : u.SecurityStamp,
            };
            return (updated, updated);
        }, cancellationToken);
        return signedIn is null ? SignInResult.Failed : new SignInResult(SignInStatus.SignedIn, signedIn);
    }

    /// <summary>
    /// Starts (or restarts) TOTP enrolment for a user who has not finished it, returning the secret to show.
    /// An enrolled user cannot be re-enrolled this way: resetting a second factor is an operator's act.
    /// </summary>
    public async Task<byte[]?> BeginEnrolmentAsync(string userId, CancellationToken cancellationToken = default)
    {
        var user = await _store.FindUserByIdAsync(userId, cancellationToken);
        if (user is null || user.Disabled || user.TotpEnabled)
        {
            return null;
        }

        if (user.TotpSecret is { Length: > 0 } existing)
        {
            return existing;
        }

        var secret = Totp.GenerateSecret();
        await _store.UpdateUserAsync(user with { TotpSecret = secret }, cancellationToken);
        return secret;
    }

    /// <summary>Finishes enrolment when the person proves a code; that completes the sign-in too.</summary>
    public Task<SignInResult> ConfirmEnrolmentAsync(string userId, string? code, CancellationToken cancellationToken = default) =>
        CheckCodeAsync(userId, code, enrolling: true, cancellationToken);

    /// <summary>Issues a personal API token; the plain token is returned once and never stored.</summary>
    public async Task<Outcome<(ApiToken Token, string Secret)>> CreateApiTokenAsync(StaffActor actor, string? name, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new ValidationErrors();
        var cleaned = Text.Required(errors, "name", name, 100);
        if (lifetime <= TimeSpan.Zero || lifetime > AccountRules.MaxApiTokenLifetime)
        {
            errors.Add("lifetimeDays", Messages.InvalidExpiry);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<(ApiToken, string)>.Invalid(errors);
        }

        var secret = SecretToken.Generate();
        var now = _time.GetUtcNow();
        var token = new ApiToken
        {
            Id = Ids.New(),
            UserId = actor.UserId,
            Name = cleaned!,
            TokenHash = SecretToken.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        await _store.AddApiTokenAsync(token, cancellationToken);
        return Outcome<(ApiToken, string)>.Ok((token, secret));
    }

    /// <summary>Revokes one of the actor's own API tokens.</summary>
    public async Task<bool> RevokeApiTokenAsync(StaffActor actor, string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var tokens = await _store.ListApiTokensAsync(actor.UserId, cancellationToken);
        var token = tokens.FirstOrDefault(t => t.Id == tokenId && t.RevokedAt is null);
        if (token is null)
        {
            return false;
        }

        await _store.UpdateApiTokenAsync(token with { RevokedAt = _time.GetUtcNow() }, cancellationToken);
        return true;
    }

    /// <summary>The user behind a presented API token, when the token is active and the account usable.</summary>
    public async Task<StaffUser?> AuthenticateApiTokenAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (!SecretToken.LooksValid(presented))
        {
            return null;
        }

        // The lookup is by hash; the hash of a guess reveals nothing, and the stored value is compared in full by the index.
        var token = await _store.FindApiTokenByHashAsync(SecretToken.Hash(presented!), cancellationToken);
        if (token is null || !token.IsActive(_time.GetUtcNow()))
        {
            return null;
        }

        var user = await _store.FindUserByIdAsync(token.UserId, cancellationToken);
        return user is { Disabled: false } ? user : null;
    }

    private enum AttemptGate
    {
        Locked,
        Open,
        LastAttempt,
    }

    // Counts the attempt before it is checked; the attempt that reaches the limit locks the account at once.
    private Task<AttemptGate> BeginAttemptAsync(string userId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return _store.ChangeUserAsync(userId, u =>
        {
            if (u is null)
            {
                return (null, AttemptGate.Locked);
            }

            if (u.LockedUntil is { } until && until > now)
            {
                return (null, AttemptGate.Locked);
            }

            var failures = u.FailedSignIns + 1;
            return failures >= AccountRules.MaxFailedSignIns
                ? (u with { FailedSignIns = 0, LockedUntil = now + AccountRules.LockoutDuration }, AttemptGate.LastAttempt)
                : (u with { FailedSignIns = failures }, AttemptGate.Open);
        }, cancellationToken);
    }

    private static (StaffUser? Updated, StaffUser? Result) Changed(StaffUser user) => (user, user);

    private StaffUser NewUser(string userName, string displayName, string password, StaffRoles roles) => new()
    {
        Id = Ids.New(),
        UserName = userName,
        DisplayName = displayName,
        Roles = roles,
        PasswordHash = PasswordHasher.Hash(password),
        SecurityStamp = SecretToken.Generate(),
        CreatedAt = _time.GetUtcNow(),
    };
}
