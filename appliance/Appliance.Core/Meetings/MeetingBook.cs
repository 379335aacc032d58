using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Core.Validation;

namespace Appliance.Core.Meetings;

/// <summary>Booking, listing and cancelling meetings on behalf of a staff member.</summary>
public sealed class MeetingBook
{
    private readonly IMeetingStore _store;
    private readonly Func<ClassificationCatalog> _catalog;
    private readonly TimeProvider _time;

    /// <summary>A book over a fixed set of levels.</summary>
    public MeetingBook(IMeetingStore store, ClassificationCatalog catalog, TimeProvider time)
        : this(store, () => catalog, time)
    {
    }

    /// <summary>A book over the levels of the policy in force, which may change while the appliance runs.</summary>
    public MeetingBook(IMeetingStore store, ActivePolicy policy, TimeProvider time)
        : this(store, () => policy.Catalog, time)
    {
    }

    private MeetingBook(IMeetingStore store, Func<ClassificationCatalog> catalog, TimeProvider time)
    {
        _store = store;
        _catalog = catalog;
        _time = time;
    }

    /// <summary>Books a meeting; the actor becomes its organiser and host.</summary>
    public async Task<Outcome<Meeting>> BookAsync(StaffActor actor, MeetingDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Has(StaffRoles.Organiser))
        {
            return Outcome<Meeting>.Fail(FailureKind.Forbidden, Messages.NotAllowed);
        }

        var errors = new ValidationErrors();
        var now = _time.GetUtcNow();
        var valid = MeetingRules.Validate(draft, _catalog(), now, errors);
        if (valid is null)
        {
            return Outcome<Meeting>.Invalid(errors);
        }

        var meeting = new Meeting
        {
            Id = Ids.New(),
            Title = valid.Title,
            StartsAt = valid.StartsAt,
            EndsAt = valid.EndsAt,
            Agenda = valid.Agenda,
            ClassificationId = valid.ClassificationId,
            OrganiserId = actor.UserId,
            OrganiserName = actor.DisplayName,
            Participants = valid.Participants,
            CreatedAt = now,
        };
        await _store.AddAsync(meeting, cancellationToken);
        return Outcome<Meeting>.Ok(meeting);
    }

    /// <summary>The actor's own meetings, soonest first.</summary>
    public Task<IReadOnlyList<Meeting>> ListAsync(StaffActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return _store.ListByOrganiserAsync(actor.UserId, cancellationToken);
    }

    /// <summary>
    /// One of the actor's meetings. Someone else's meeting answers NotFound, not Forbidden, so that ids cannot be probed.
    /// </summary>
    public async Task<Outcome<Meeting>> GetAsync(StaffActor actor, string? meetingId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!Ids.LooksValid(meetingId))
        {
            return Outcome<Meeting>.Fail(FailureKind.NotFound, Messages.MeetingNotFound);
        }

        var meeting = await _store.FindAsync(meetingId!, cancellationToken);
        return meeting is null || meeting.OrganiserId != actor.UserId
            ? Outcome<Meeting>.Fail(FailureKind.NotFound, Messages.MeetingNotFound)
            : Outcome<Meeting>.Ok(meeting);
    }

    /// <summary>Cancels one of the actor's meetings; its invitations stop working.</summary>
    public async Task<Outcome<Meeting>> CancelAsync(StaffActor actor, string? meetingId, CancellationToken cancellationToken = default)
    {
        var found = await GetAsync(actor, meetingId, cancellationToken);
        if (!found.Succeeded)
        {
            return found;
        }

        var meeting = found.Value!;
        if (meeting.Status == MeetingStatus.Cancelled)
        {
            return Outcome<Meeting>.Fail(FailureKind.Conflict, Messages.MeetingCancelled);
        }

        var cancelled = meeting with { Status = MeetingStatus.Cancelled, CancelledAt = _time.GetUtcNow() };
        await _store.UpdateAsync(cancelled, cancellationToken);
        return Outcome<Meeting>.Ok(cancelled);
    }
}
