using Appliance.Core.Invitations;
using LiteDB;

namespace Appliance.Storage.Invitations;

/// <summary>Invitations in LiteDB, looked up by id or token hash.</summary>
internal sealed class LiteInvitationStore(LiteDatabase database, Lock writeLock)
    : LiteDocumentStore(database, writeLock, InvitationMapper.Collection), IInvitationStore
{
    public Task AddAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return Write(() => Documents.Insert(InvitationMapper.ToDocument(invitation)), cancellationToken);
    }

    public Task<Invitation?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        Read(() => Map(Documents.FindById(id)), cancellationToken);

    public Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        Read(() => Map(Documents.FindOne(Query.EQ("tokenHash", tokenHash))), cancellationToken);

    public Task<int> DeleteByMeetingAsync(string meetingId, CancellationToken cancellationToken = default) =>
        Write(() => Documents.DeleteMany(Query.EQ("meetingId", meetingId)), cancellationToken);

    public Task<IReadOnlyList<Invitation>> ListByMeetingAsync(string meetingId, CancellationToken cancellationToken = default) =>
        Read<IReadOnlyList<Invitation>>(
            () =>
            [
                .. Documents.Find(Query.EQ("meetingId", meetingId))
                    .Select(InvitationMapper.FromDocument)
                    .OrderBy(i => i.CreatedAt)
                    .ThenBy(i => i.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task UpdateAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return Write(
            () =>
            {
                if (!Documents.Update(InvitationMapper.ToDocument(invitation)))
                {
                    throw new KeyNotFoundException($"No invitation with id '{invitation.Id}' exists.");
                }
            },
            cancellationToken);
    }

    // Read-modify-write under the write lock: concurrent wrong PINs must each count, or the
    // attempt limit could be outrun by guessing in parallel.
    public Task<int> IncrementFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default) =>
        Write(
            () =>
            {
                var document = Documents.FindById(id) ?? throw new KeyNotFoundException($"No invitation with id '{id}' exists.");
                var count = BsonFields.ReadInt32(document, InvitationMapper.FailedPinAttempts) + 1;
                document[InvitationMapper.FailedPinAttempts] = count;
                Documents.Update(document);
                return count;
            },
            cancellationToken);

    public Task ResetFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default) =>
        Write(
            () =>
            {
                var document = Documents.FindById(id) ?? throw new KeyNotFoundException($"No invitation with id '{id}' exists.");
                if (BsonFields.ReadInt32(document, InvitationMapper.FailedPinAttempts) != 0)
                {
                    document[InvitationMapper.FailedPinAttempts] = 0;
                    Documents.Update(document);
                }
            },
            cancellationToken);

    private static Invitation? Map(BsonDocument? document) => document is null ? null : InvitationMapper.FromDocument(document);
}
