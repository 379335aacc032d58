using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Validation;
using Appliance.Crypto;

namespace Appliance.Core.Invitations;

/// <summary>Issuing, revoking and redeeming guest invitations.</summary>
public sealed class GuestInvitations
{
    private readonly IInvitationStore _invitations;
    private readonly IMeetingStore _meetings;
    private readonly MeetingBook _book;
    private readonly TimeProvider _time;
    private readonly MeetingPolicy? _policy;
    private readonly IAuditLog? _audit;

    /// <summary>Invitations without policy decisions or audit (tests of the invitation rules).</summary>
    public GuestInvitations(IInvitationStore invitations, IMeetingStore meetings, MeetingBook book, TimeProvider time)
    {
        _invitations = invitations;
        _meetings = meetings;
        _book = book;
        _time = time;
    }

    /// <summary>The appliance's invitations: decided by the meeting's classification policy, and audited.</summary>
    public GuestInvitations(IInvitationStore invitations, IMeetingStore meetings, MeetingBook book, MeetingPolicy policy, IAuditLog audit, TimeProvider time)
        : this(invitations, meetings, book, time)
    {
        _policy = policy;
        _audit = audit;
    }

    /// <summary>
    /// Invites a guest to one of the actor's meetings. The plain token is returned once, for the link; only its hash is kept.
    /// </summary>
    public Task<Outcome<(Invitation Invitation, string Token)>> InviteAsync(
        StaffActor actor, string? meetingId, string? guestName, DateTimeOffset? expiresAt, string? pin, CancellationToken cancellationToken = default) =>
        InviteAsync(actor, meetingId, guestName, expiresAt, pin, null, cancellationToken);

    /// <summary>
    /// Invites a guest as <see cref="InviteAsync(StaffActor, string?, string?, DateTimeOffset?, string?, CancellationToken)"/>;
    /// <paramref name="seenAs"/> is how the policy sees the inviting staff member (address, sign-in strength). A level
    /// without guests refuses, and a level whose guests must show link and PIN requires the PIN.
    /// </summary>
    public async Task<Outcome<(Invitation Invitation, string Token)>> InviteAsync(
        StaffActor actor, string? meetingId, string? guestName, DateTimeOffset? expiresAt, string? pin, PolicyActor? seenAs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var found = await _book.GetAsync(actor, meetingId, cancellationToken);
        if (!found.Succeeded)
        {
            return Outcome<(Invitation, string)>.Fail(found.Failure!.Value, found.Message!);
        }

        var meeting = found.Value!;
        if (meeting.Status == MeetingStatus.Cancelled)
        {
            return Outcome<(Invitation, string)>.Fail(FailureKind.Conflict, Messages.MeetingCancelled);
        }

        var now = _time.GetUtcNow();
        if (meeting.EndsAt <= now)
        {
            return Outcome<(Invitation, string)>.Fail(FailureKind.Conflict, Messages.MeetingEnded);
        }

        var pinRequired = false;
        if (_policy is not null)
        {
            var context = await _policy.ContextAsync(meeting, cancellationToken: cancellationToken);
            var decision = await _policy.DecideAsync(context, seenAs ?? PolicyActor.Staff(actor.UserId, actor.Roles, null, isHost: true), PolicyAction.Invite, cancellationToken);
            if (!decision.Allowed)
            {
                return Outcome<(Invitation, string)>.Denied(decision);
            }

            pinRequired = context.Controls.GuestProof >= GuestProof.LinkAndPin;
        }

        var errors = new ValidationErrors();
        var name = Text.Required(errors, "guestName", guestName, InvitationRules.MaxGuestNameLength);
        var expiry = expiresAt?.ToUniversalTime() ?? meeting.EndsAt + InvitationRules.DefaultValidityAfterEnd;
        if (expiry <= now || expiry > meeting.EndsAt + InvitationRules.MaxValidityAfterEnd)
        {
            errors.Add("expiresAt", Messages.InvalidExpiry);
        }

        var cleanPin = string.IsNullOrWhiteSpace(pin) ? null : pin.Trim();
        if (cleanPin is not null && !InvitationRules.IsValidPin(cleanPin))
        {
            errors.Add("pin", Messages.InvalidPin);
        }
        else if (cleanPin is null && pinRequired)
        {
            errors.Add("pin", Messages.PinRequiredByLevel);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<(Invitation, string)>.Invalid(errors);
        }

        var token = SecretToken.Generate();
        var invitation = new Invitation
        {
            Id = Ids.New(),
            MeetingId = meeting.Id,
            GuestName = name!,
            TokenHash = SecretToken.Hash(token),
            ExpiresAt = expiry,
            PinHash = cleanPin is null ? null : PasswordHasher.Hash(cleanPin),
            CreatedBy = actor.UserId,
            CreatedAt = now,
        };
        await _invitations.AddAsync(invitation, cancellationToken);
        await AuditAsync(actor.UserId, AuditAction.InvitationCreated, invitation, cancellationToken);
        return Outcome<(Invitation, string)>.Ok((invitation, token));
    }

    /// <summary>The invitations of one of the actor's meetings.</summary>
    public async Task<Outcome<IReadOnlyList<Invitation>>> ListAsync(StaffActor actor, string? meetingId, CancellationToken cancellationToken = default)
    {
        var found = await _book.GetAsync(actor, meetingId, cancellationToken);
        return found.Succeeded
            ? Outcome<IReadOnlyList<Invitation>>.Ok(await _invitations.ListByMeetingAsync(found.Value!.Id, cancellationToken))
            : Outcome<IReadOnlyList<Invitation>>.Fail(found.Failure!.Value, found.Message!);
    }

    /// <summary>Revokes an invitation of one of the actor's meetings; the link stops working at once.</summary>
    public async Task<Outcome<Invitation>> RevokeAsync(StaffActor actor, string? meetingId, string? invitationId, CancellationToken cancellationToken = default)
    {
        var found = await _book.GetAsync(actor, meetingId, cancellationToken);
        if (!found.Succeeded)
        {
            return Outcome<Invitation>.Fail(found.Failure!.Value, found.Message!);
        }

        var invitation = Ids.LooksValid(invitationId) ? await _invitations.FindAsync(invitationId!, cancellationToken) : null;
        if (invitation is null || invitation.MeetingId != found.Value!.Id)
        {
            return Outcome<Invitation>.Fail(FailureKind.NotFound, Messages.InvitationNotFound);
        }

        if (invitation.RevokedAt is not null)
        {
            return Outcome<Invitation>.Fail(FailureKind.Conflict, Messages.InvitationAlreadyRevoked);
        }

        var revoked = invitation with { RevokedAt = _time.GetUtcNow() };
        await _invitations.UpdateAsync(revoked, cancellationToken);
        await AuditAsync(actor.UserId, AuditAction.InvitationRevoked, revoked, cancellationToken);
        return Outcome<Invitation>.Ok(revoked);
    }

    // By ids only: the guest's name is personal data, and the token and PIN are secrets.
    private async Task AuditAsync(string actorId, AuditAction action, Invitation invitation, CancellationToken cancellationToken)
    {
        if (_audit is not null)
        {
            await _audit.AppendAsync(
                new AuditEvent(actorId, action, invitation.Id, AuditOutcome.Success, new Dictionary<string, string>
                {
                    ["meeting"] = invitation.MeetingId,
                    ["proof"] = invitation.PinHash is null ? "link" : "link+code",
                }),
                cancellationToken);
        }
    }

    /// <summary>
    /// What a guest link opens. With a PIN on the invitation, <paramref name="pin"/> must be right (unless
    /// <paramref name="pinRemembered"/> says this browser gave it already); every wrong PIN counts, and at the limit the
    /// invitation locks.
    /// </summary>
    public async Task<GuestAccess> RedeemAsync(string? token, string? pin, Func<Invitation, bool>? pinRemembered = null, CancellationToken cancellationToken = default)
    {
        if (!SecretToken.LooksValid(token))
        {
            return GuestAccess.Invalid;
        }

        var invitation = await _invitations.FindByTokenHashAsync(SecretToken.Hash(token!), cancellationToken);
        var now = _time.GetUtcNow();
        if (invitation is null || !invitation.IsUsable(now))
        {
            return GuestAccess.Invalid;
        }

        var meeting = await _meetings.FindAsync(invitation.MeetingId, cancellationToken);
        if (meeting is null || meeting.Status != MeetingStatus.Scheduled)
        {
            return GuestAccess.Invalid;
        }

        if (invitation.PinHash is not null && pinRemembered?.Invoke(invitation) != true)
        {
            if (string.IsNullOrEmpty(pin))
            {
                return new GuestAccess(GuestAccessStatus.PinRequired, invitation, null);
            }

            // The attempt is counted before the (slow) check, so that parallel guesses cannot exceed the limit.
            var attempts = await _invitations.IncrementFailedPinAttemptsAsync(invitation.Id, cancellationToken);
            if (attempts > InvitationRules.MaxPinAttempts)
            {
                return GuestAccess.Invalid;
            }

            var candidate = pin.Trim();
            if (!InvitationRules.IsValidPin(candidate) || !PasswordHasher.Verify(candidate, invitation.PinHash))
            {
                return attempts >= InvitationRules.MaxPinAttempts
                    ? GuestAccess.Invalid
                    : new GuestAccess(GuestAccessStatus.PinRequired, invitation, null);
            }

            // Wrong PINs count in a row: the right one starts the count again.
            await _invitations.ResetFailedPinAttemptsAsync(invitation.Id, cancellationToken);
            invitation = invitation with { FailedPinAttempts = 0 };
        }

        return new GuestAccess(GuestAccessStatus.Granted, invitation, meeting);
    }
}
