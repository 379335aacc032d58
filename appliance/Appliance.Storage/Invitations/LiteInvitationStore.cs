using Appliance.Core.Invitations;
using LiteDB;

namespace Appliance.Storage.Invitations;

/// <summary>Invitations in LiteDB, looked up by id or token hash.</summary>
internal sealed class LiteInvitationStore : IInvitationStore
{
    private readonly Lock _writeLock;
    private readonly ILiteCollection<BsonDocument> _invitations;

    public LiteInvitationStore(LiteDatabase database, Lock writeLock)
    {
        _writeLock = writeLock;
        _invitations = database.GetCollection(InvitationMapper.Collection);
    }

    public Task AddAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    _invitations.Insert(InvitationMapper.ToDocument(invitation));
                }
            },
            cancellationToken);
    }

    public Task<Invitation?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => Map(_invitations.FindById(id)), cancellationToken);

    public Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        StoreCall.Run(() => Map(_invitations.FindOne(Query.EQ("tokenHash", tokenHash))), cancellationToken);

    public Task<int> DeleteByMeetingAsync(string meetingId, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    return _invitations.DeleteMany(Query.EQ("meetingId", meetingId));
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<Invitation>> ListByMeetingAsync(string meetingId, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<Invitation>>(
            () =>
            [
                .. _invitations.Find(Query.EQ("meetingId", meetingId))
                    .Select(InvitationMapper.FromDocument)
                    .OrderBy(i => i.CreatedAt)
                    .ThenBy(i => i.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task UpdateAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (!_invitations.Update(InvitationMapper.ToDocument(invitation)))
                    {
                        throw new KeyNotFoundException($"No invitation with id '{invitation.Id}' exists.");
                    }
                }
            },
            cancellationToken);
    }

    public Task<int> IncrementFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () =>
            {
                // Read-modify-write under the write lock: concurrent wrong PINs must each count, or the
                // attempt limit could be outrun by guessing in parallel.
                lock (_writeLock)
                {
                    var document = _invitations.FindById(id) ?? throw new KeyNotFoundException($"No invitation with id '{id}' exists.");
                    var count = BsonFields.ReadInt32(document, InvitationMapper.FailedPinAttempts) + 1;
                    document[InvitationMapper.FailedPinAttempts] = count;
                    _invitations.Update(document);
                    return count;
                }
            },
            cancellationToken);

    public Task ResetFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    var document = _invitations.FindById(id) ?? throw new KeyNotFoundException($"No invitation with id '{id}' exists.");
                    if (BsonFields.ReadInt32(document, InvitationMapper.FailedPinAttempts) != 0)
                    {
                        document[InvitationMapper.FailedPinAttempts] = 0;
                        _invitations.Update(document);
                    }
                }
            },
            cancellationToken);

    private static Invitation? Map(BsonDocument? document) => document is null ? null : InvitationMapper.FromDocument(document);
}
