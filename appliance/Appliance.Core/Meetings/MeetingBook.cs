using Appliance.Core.Audit;
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
    private readonly MeetingPolicy? _policy;
    private readonly IAuditLog? _audit;

    /// <summary>A book over a fixed set of levels, without policy decisions or audit (tests of the booking rules).</summary>
    public MeetingBook(IMeetingStore store, ClassificationCatalog catalog, TimeProvider time)
    {
        _store = store;
        _catalog = () => catalog;
        _time = time;
    }

    /// <summary>
    /// The appliance's book: the levels of the policy in force (which may change while it runs), every booking decided
    /// by the classification policy, and bookings and cancellations recorded in the audit log.
    /// </summary>
    public MeetingBook(IMeetingStore store, MeetingPolicy policy, IAuditLog audit, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _store = store;
        _catalog = () => policy.Active.Catalog;
        _time = time;
        _policy = policy;
        _audit = audit;
    }

    /// <summary>Books a meeting; the actor becomes its organiser and host.</summary>
    public Task<Outcome<Meeting>> BookAsync(StaffActor actor, MeetingDraft draft, CancellationToken cancellationToken = default) =>
        BookAsync(actor, draft, null, cancellationToken);

    /// <summary>
    /// Books a meeting; the actor becomes its organiser and host. <paramref name="seenAs"/> is how the policy sees the
    /// actor (client address, sign-in strength); without it the address is unknown, which fails closed on levels that
    /// limit networks.
    /// </summary>
    public async Task<Outcome<Meeting>> BookAsync(StaffActor actor, MeetingDraft draft, PolicyActor? seenAs, CancellationToken cancellationToken = default)
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

        var version = 1;
        if (_policy is not null)
        {
            // Checked against the version in force now, which the meeting then keeps as its booked version.
            version = _policy.CurrentVersion;
            var planned = _policy.PlannedContext(valid.ClassificationId, valid.StartsAt, valid.EndsAt, valid.Participants.Count + 1);
            var decision = await _policy.DecideAsync(planned, seenAs ?? PolicyActor.Staff(actor.UserId, actor.Roles, null), PolicyAction.Book, cancellationToken);
            if (!decision.Allowed)
            {
                return Outcome<Meeting>.Denied(decision);
            }
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
            PolicyVersion = version,
        };
        await _store.AddAsync(meeting, cancellationToken);
        await AuditAsync(actor.UserId, AuditAction.MeetingBooked, meeting, cancellationToken);
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
        await AuditAsync(actor.UserId, AuditAction.MeetingCancelled, cancelled, cancellationToken);
        return Outcome<Meeting>.Ok(cancelled);
    }

    // By ids and the level only: titles, agendas and participants' names are the meeting's content.
    private async Task AuditAsync(string actorId, AuditAction action, Meeting meeting, CancellationToken cancellationToken)
    {
        if (_audit is null)
        {
            return;
        }

        await _audit.AppendAsync(
            new AuditEvent(actorId, action, meeting.Id, AuditOutcome.Success, new Dictionary<string, string>
            {
                ["level"] = meeting.ClassificationId,
                ["policyVersion"] = meeting.PolicyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            cancellationToken);
    }
}
