using Appliance.Core.Meetings;
using LiteDB;

namespace Appliance.Storage.Meetings;

/// <summary>Meetings in LiteDB.</summary>
internal sealed class LiteMeetingStore : IMeetingStore
{
    private readonly Lock _writeLock;
    private readonly ILiteCollection<BsonDocument> _meetings;

    public LiteMeetingStore(LiteDatabase database, Lock writeLock)
    {
        _writeLock = writeLock;
        _meetings = database.GetCollection(MeetingMapper.Collection);
    }

    public Task AddAsync(Meeting meeting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    _meetings.Insert(MeetingMapper.ToDocument(meeting));
                }
            },
            cancellationToken);
    }

    public Task<Meeting?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () => _meetings.FindById(id) is { } document ? MeetingMapper.FromDocument(document) : null,
            cancellationToken);

    public Task<IReadOnlyList<Meeting>> ListByOrganiserAsync(string organiserId, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<Meeting>>(
            () =>
            [
                .. _meetings.Find(Query.EQ("organiserId", organiserId))
                    .Select(MeetingMapper.FromDocument)
                    .OrderBy(m => m.StartsAt)
                    .ThenBy(m => m.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task UpdateAsync(Meeting meeting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    if (!_meetings.Update(MeetingMapper.ToDocument(meeting)))
                    {
                        throw new KeyNotFoundException($"No meeting with id '{meeting.Id}' exists.");
                    }
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<Meeting>> ListScheduledAsync(DateTimeOffset endingAfter, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<Meeting>>(
            () =>
            [
                .. _meetings.Find(Query.GT("endsAt", BsonFields.Time(endingAfter)))
                    .Select(MeetingMapper.FromDocument)
                    .Where(m => m.Status == MeetingStatus.Scheduled)
                    .OrderBy(m => m.StartsAt)
                    .ThenBy(m => m.Id, StringComparer.Ordinal),
            ],
            cancellationToken);

    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        StoreCall.Run(_meetings.Count, cancellationToken);

    public Task<IReadOnlyList<Meeting>> ListEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        StoreCall.Run<IReadOnlyList<Meeting>>(
            () => [.. _meetings.Find(Query.LT("endsAt", BsonFields.Time(before))).Select(MeetingMapper.FromDocument).OrderBy(m => m.EndsAt)],
            cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    return _meetings.Delete(id);
                }
            },
            cancellationToken);
}
