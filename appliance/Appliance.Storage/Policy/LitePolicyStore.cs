using Appliance.Core.Policy;
using LiteDB;

namespace Appliance.Storage.Policy;

/// <summary>Policy versions and pending changes in LiteDB; the version number is the document id.</summary>
internal sealed class LitePolicyStore : IPolicyStore
{
    private readonly Lock _writeLock;
    private readonly ILiteCollection<BsonDocument> _versions;
    private readonly ILiteCollection<BsonDocument> _pending;

    public LitePolicyStore(LiteDatabase database, Lock writeLock)
    {
        _writeLock = writeLock;
        _versions = database.GetCollection(PolicyMapper.Versions);
        _pending = database.GetCollection(PolicyMapper.Pending);
    }

    public Task<PolicyVersion?> FindCurrentAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => LatestNumber() is { } latest ? PolicyMapper.VersionFrom(_versions.FindById(latest)) : null, cancellationToken);

    public Task<PolicyVersion?> FindVersionAsync(int version, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => _versions.FindById(version) is { } document ? PolicyMapper.VersionFrom(document) : null, cancellationToken);

    public Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(int fromVersion = 1, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<PolicyVersion>>(
            () => [.. _versions.Find(Query.GTE("_id", fromVersion)).Select(PolicyMapper.VersionFrom).OrderBy(v => v.Version)],
            cancellationToken);

    public Task<bool> TryAddVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (version.Version != (LatestNumber() ?? 0) + 1)
                    {
                        return false;
                    }

                    _versions.Insert(PolicyMapper.ToDocument(version));
                    return true;
                }
            },
            cancellationToken);
    }

    public Task AddPendingAsync(PendingPolicyChange pending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    _pending.Insert(PolicyMapper.ToDocument(pending));
                }
            },
            cancellationToken);
    }

    public Task<PendingPolicyChange?> FindPendingAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => _pending.FindById(id) is { } document ? PolicyMapper.PendingFrom(document) : null, cancellationToken);

    public Task<IReadOnlyList<PendingPolicyChange>> ListPendingAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<PendingPolicyChange>>(
            () =>
            [
                .. _pending.Find(Query.EQ("status", nameof(PendingStatus.Pending)))
                    .Select(PolicyMapper.PendingFrom)
                    .OrderBy(p => p.ProposedAt)
                    .ThenBy(p => p.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task<bool> TryResolvePendingAsync(PendingPolicyChange resolved, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    var stored = _pending.FindById(resolved.Id);
                    if (stored is null || PolicyMapper.PendingFrom(stored).Status != PendingStatus.Pending)
                    {
                        return false;
                    }

                    return _pending.Update(PolicyMapper.ToDocument(resolved));
                }
            },
            cancellationToken);
    }

    private int? LatestNumber() => _versions.Count() == 0 ? null : _versions.Max().AsInt32;
}
