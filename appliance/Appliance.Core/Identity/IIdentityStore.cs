namespace Appliance.Core.Identity;

/// <summary>Where staff accounts, API tokens and the bootstrap grant are kept.</summary>
public interface IIdentityStore
{
    Task<StaffUser?> FindUserByIdAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Looks up by user name, case-insensitively.</summary>
    Task<StaffUser?> FindUserByNameAsync(string userName, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StaffUser>> ListUsersAsync(CancellationToken cancellationToken = default);

    Task<int> CountUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a user; returns false when the user name is taken.</summary>
    Task<bool> TryAddUserAsync(StaffUser user, CancellationToken cancellationToken = default);

    Task UpdateUserAsync(StaffUser user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a user, applies <paramref name="change"/> and writes the result, atomically with respect to every other write,
    /// so that counters (failed sign-ins) and one-time values (the last used TOTP step) cannot be outrun by parallel requests.
    /// The change receives null for an unknown id; when it returns a null user nothing is written.
    /// </summary>
    Task<TResult> ChangeUserAsync<TResult>(string userId, Func<StaffUser?, (StaffUser? Updated, TResult Result)> change, CancellationToken cancellationToken = default);

    Task<BootstrapGrant?> GetBootstrapGrantAsync(CancellationToken cancellationToken = default);

    Task SetBootstrapGrantAsync(BootstrapGrant? grant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically: when no user exists yet and the grant matches, inserts the user and deletes the grant.
    /// Returns false (and changes nothing) otherwise, so two people racing with one link cannot both win.
    /// </summary>
    Task<bool> TryConsumeBootstrapAsync(string tokenHash, StaffUser firstUser, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task AddApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default);

    Task<ApiToken?> FindApiTokenByHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApiToken>> ListApiTokensAsync(string userId, CancellationToken cancellationToken = default);

    Task UpdateApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default);
}
