using Appliance.Core.Meetings;
using LiteDB;

namespace Appliance.Storage.Meetings;

/// <summary>Meetings in LiteDB.</summary>
internal sealed class LiteMeetingStore(LiteDatabase database, Lock writeLock)
    : LiteDocumentStore(database, writeLock, MeetingMapper.Collection), IMeetingStore
{
    public Task AddAsync(Meeting meeting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return Write(() => Documents.Insert(MeetingMapper.ToDocument(meeting)), cancellationToken);
    }

    public Task<Meeting?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        Read(
            () => Documents.FindById(id) is { } document ? MeetingMapper.FromDocument(document) : null,
            cancellationToken);

    public Task<IReadOnlyList<Meeting>> ListByOrganiserAsync(string organiserId, CancellationToken cancellationToken = default) =>
        Read<IReadOnlyList<Meeting>>(
            () =>
            [
                .. Documents.Find(Query.EQ("organiserId", organiserId))
                    .Select(MeetingMapper.FromDocument)
                    .OrderBy(m => m.StartsAt)
                    .ThenBy(m => m.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task UpdateAsync(Meeting meeting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return Write(
            () =>
            {
                if (!Documents.Update(MeetingMapper.ToDocument(meeting)))
                {
                    throw new KeyNotFoundException($"No meeting with id '{meeting.Id}' exists.");
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<Meeting>> ListScheduledAsync(DateTimeOffset endingAfter, CancellationToken cancellationToken = default) =>
        Read<IReadOnlyList<Meeting>>(
            () =>
            [
                .. Documents.Find(Query.GT("endsAt", BsonFields.Time(endingAfter)))
                    .Select(MeetingMapper.FromDocument)
                    .Where(m => m.Status == MeetingStatus.Scheduled)
                    .OrderBy(m => m.StartsAt)
                    .ThenBy(m => m.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        Read(Documents.Count, cancellationToken);

    public Task<IReadOnlyList<Meeting>> ListEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        Read<IReadOnlyList<Meeting>>(
            () => [.. Documents.Find(Query.LT("endsAt", BsonFields.Time(before))).Select(MeetingMapper.FromDocument).OrderBy(m => m.EndsAt)],
            cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        Write(() => Documents.Delete(id), cancellationToken);
}
