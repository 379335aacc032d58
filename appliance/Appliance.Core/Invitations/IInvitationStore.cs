namespace Appliance.Core.Invitations;

/// <summary>Where invitations are kept; looked up by token hash only.</summary>
public interface IInvitationStore
{
    Task AddAsync(Invitation invitation, CancellationToken cancellationToken = default);

    Task<Invitation?> FindAsync(string id, CancellationToken cancellationToken = default);

    Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Invitation>> ListByMeetingAsync(string meetingId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every invitation of a meeting (retention); returns how many.</summary>
    Task<int> DeleteByMeetingAsync(string meetingId, CancellationToken cancellationToken = default);

    Task UpdateAsync(Invitation invitation, CancellationToken cancellationToken = default);

    /// <summary>Atomically adds one to the failed-PIN counter and returns the new count.</summary>
    Task<int> IncrementFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets the failed-PIN counter back to zero (after a right PIN).</summary>
    Task ResetFailedPinAttemptsAsync(string id, CancellationToken cancellationToken = default);
}
