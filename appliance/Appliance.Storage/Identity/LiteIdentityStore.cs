using System.Security.Cryptography;
using System.Text;
using Appliance.Core.Identity;
using LiteDB;

namespace Appliance.Storage.Identity;

/// <summary>
/// Staff accounts, API tokens and the bootstrap grant in LiteDB. Every write takes the database's write lock,
/// so that check-then-act operations (unique names, the bootstrap race) are atomic within the process.
/// </summary>
internal sealed class LiteIdentityStore : IIdentityStore
{
    private readonly LiteDatabase _database;
    private readonly Lock _writeLock;
    private readonly ILiteCollection<BsonDocument> _users;
    private readonly ILiteCollection<BsonDocument> _tokens;
    private readonly ILiteCollection<BsonDocument> _bootstrap;

    public LiteIdentityStore(LiteDatabase database, Lock writeLock)
    {
        _database = database;
        _writeLock = writeLock;
        _users = database.GetCollection(StaffUserMapper.Collection);
        _tokens = database.GetCollection(ApiTokenMapper.Collection);
        _bootstrap = database.GetCollection(BootstrapGrantMapper.Collection);
    }

    public Task<StaffUser?> FindUserByIdAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => Map(_users.FindById(id)), cancellationToken);

    public Task<StaffUser?> FindUserByNameAsync(string userName, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => FindByName(userName), cancellationToken);

    public Task<IReadOnlyList<StaffUser>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<StaffUser>>(
            () => [.. _users.FindAll().Select(StaffUserMapper.FromDocument).OrderBy(u => u.UserName, StringComparer.Ordinal)],
            cancellationToken);

    public Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run(_users.Count, cancellationToken);

    public Task<bool> TryAddUserAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    // The unique index would also refuse, but checking first keeps a duplicate id (a bug)
                    // distinguishable from a taken name (an expected answer).
                    if (FindByName(user.UserName) is not null)
                    {
                        return false;
                    }

                    _users.Insert(StaffUserMapper.ToDocument(user));
                    return true;
                }
            },
            cancellationToken);
    }

    public Task UpdateUserAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (FindByName(user.UserName) is { } holder && holder.Id != user.Id)
                    {
                        throw new InvalidOperationException($"The user name '{user.UserName}' is taken by another account.");
                    }

                    if (!_users.Update(StaffUserMapper.ToDocument(user)))
                    {
                        throw new KeyNotFoundException($"No staff user with id '{user.Id}' exists.");
                    }
                }
            },
            cancellationToken);
    }

    public Task<TResult> ChangeUserAsync<TResult>(string userId, Func<StaffUser?, (StaffUser? Updated, TResult Result)> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    var (updated, result) = change(Map(_users.FindById(userId)));
                    if (updated is not null)
                    {
                        if (updated.Id != userId)
                        {
                            throw new InvalidOperationException("A change may not alter a user's id.");
                        }

                        if (!_users.Update(StaffUserMapper.ToDocument(updated)))
                        {
                            throw new KeyNotFoundException($"No staff user with id '{userId}' exists.");
                        }
                    }

                    return result;
                }
            },
            cancellationToken);
    }

    public Task<BootstrapGrant?> GetBootstrapGrantAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () => _bootstrap.FindById(BootstrapGrantMapper.GrantId) is { } document ? BootstrapGrantMapper.FromDocument(document) : null,
            cancellationToken);

    public Task SetBootstrapGrantAsync(BootstrapGrant? grant, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (grant is null)
                    {
                        _bootstrap.Delete(BootstrapGrantMapper.GrantId);
                    }
                    else
                    {
                        _bootstrap.Upsert(BootstrapGrantMapper.ToDocument(grant));
                    }
                }
            },
            cancellationToken);

    public Task<bool> TryConsumeBootstrapAsync(string tokenHash, StaffUser firstUser, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        ArgumentNullException.ThrowIfNull(firstUser);
        return StoreCall.Run(
            () =>
            {
                // The lock makes check-and-consume atomic against other callers in this process; the transaction
                // makes "user inserted, grant deleted" land on disk together or not at all.
                lock (_writeLock)
                {
                    if (_users.Count() != 0
                        || _bootstrap.FindById(BootstrapGrantMapper.GrantId) is not { } document)
                    {
                        return false;
                    }

                    var grant = BootstrapGrantMapper.FromDocument(document);
                    if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(grant.TokenHash), Encoding.UTF8.GetBytes(tokenHash))
                        || now >= grant.ExpiresAt)
                    {
                        return false;
                    }

                    if (!_database.BeginTrans())
                    {
                        throw new InvalidOperationException("A storage transaction was already open on this thread.");
                    }

                    try
                    {
                        _users.Insert(StaffUserMapper.ToDocument(firstUser));
                        _bootstrap.Delete(BootstrapGrantMapper.GrantId);
                        _database.Commit();
                        return true;
                    }
                    catch
                    {
                        _database.Rollback();
                        throw;
                    }
                }
            },
            cancellationToken);
    }

    public Task AddApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    _tokens.Insert(ApiTokenMapper.ToDocument(token));
                }
            },
            cancellationToken);
    }

    public Task<ApiToken?> FindApiTokenByHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () => _tokens.FindOne(Query.EQ("tokenHash", tokenHash)) is { } document ? ApiTokenMapper.FromDocument(document) : null,
            cancellationToken);

    public Task<IReadOnlyList<ApiToken>> ListApiTokensAsync(string userId, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<ApiToken>>(
            () => [.. _tokens.Find(Query.EQ("userId", userId)).Select(ApiTokenMapper.FromDocument).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)],
            cancellationToken);

    public Task UpdateApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (!_tokens.Update(ApiTokenMapper.ToDocument(token)))
                    {
                        throw new KeyNotFoundException($"No API token with id '{token.Id}' exists.");
                    }
                }
            },
            cancellationToken);
    }

    private static StaffUser? Map(BsonDocument? document) => document is null ? null : StaffUserMapper.FromDocument(document);

    private StaffUser? FindByName(string userName) =>
        Map(_users.FindOne(Query.EQ(StaffUserMapper.UserNameKey, StaffUserMapper.KeyOf(userName))));
}
