namespace Appliance.Core.Meetings;

/// <summary>Where meetings are kept.</summary>
public interface IMeetingStore
{
    Task AddAsync(Meeting meeting, CancellationToken cancellationToken = default);

    Task<Meeting?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The organiser's meetings, soonest first.</summary>
    Task<IReadOnlyList<Meeting>> ListByOrganiserAsync(string organiserId, CancellationToken cancellationToken = default);

    Task UpdateAsync(Meeting meeting, CancellationToken cancellationToken = default);

    /// <summary>Scheduled (not cancelled) meetings that end after <paramref name="endingAfter"/>, soonest first: the booked meetings a policy change can reach.</summary>
    Task<IReadOnlyList<Meeting>> ListScheduledAsync(DateTimeOffset endingAfter, CancellationToken cancellationToken = default);

    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Meetings whose booked end is before <paramref name="before"/>, for the retention job.</summary>
    Task<IReadOnlyList<Meeting>> ListEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Deletes a meeting; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);
}
