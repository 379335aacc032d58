using Appliance.Core.Calendar;
using Appliance.Core.Classification;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Validation;
using Appliance.Crypto;
using Appliance.Host.Meetings;
using Appliance.Host.Operations;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages.Meetings;

/// <summary>One meeting: its facts, marking, invitations, and the organiser's actions.</summary>
public sealed class MeetingDetailsModel(
    MeetingBook book,
    GuestInvitations invitations,
    ClassificationCatalog catalog,
    InvitationLinks links,
    DisplayTime time,
    TimeProvider clock,
    ApplianceMetrics metrics,
    ILogger<MeetingDetailsModel> logger) : AppPageModel
{
    public Meeting? Meeting { get; private set; }

    public ClassificationLevel Level { get; private set; } = null!;

    public IReadOnlyList<Invitation> Invitations { get; private set; } = [];

    public Invitation? Issued { get; private set; }

    public string? IssuedToken { get; private set; }

    public string? IssuedLink { get; private set; }

    public string? Notice { get; private set; }

    [BindProperty]
    public string? GuestName { get; set; }

    [BindProperty]
    public string? Pin { get; set; }

    [BindProperty]
    public string? ExpiresAt { get; set; }

    public async Task<IActionResult> OnGetAsync(string meetingId) => await LoadAsync(meetingId) ? Page() : NotFound();

    public async Task<IActionResult> OnPostInviteAsync(string meetingId)
    {
        if (!await LoadAsync(meetingId))
        {
            return NotFound();
        }

        DateTimeOffset? expires = null;
        if (!string.IsNullOrWhiteSpace(ExpiresAt))
        {
            expires = time.ParseInput(ExpiresAt);
            if (expires is null)
            {
                var errors = new ValidationErrors();
                errors.Add("expiresAt", Messages.InvalidExpiry);
                AddErrors(errors);
                return Page();
            }
        }

        var outcome = await invitations.InviteAsync(Actor, meetingId, GuestName, expires, Pin, Policy.PolicyActors.Staff(HttpContext, isHost: true), HttpContext.RequestAborted);
        Pin = null;
        if (!outcome.Succeeded)
        {
            if (outcome.Denial is { } denial)
            {
                AddDenial(denial);
            }
            else if (outcome.Errors is not null)
            {
                AddErrors(outcome.Errors);
            }
            else
            {
                AddError(outcome.Message!);
            }

            return Page();
        }

        (Issued, IssuedToken) = outcome.Value;
        IssuedLink = links.For(Request, IssuedToken).AbsoluteUri;
        metrics.InvitationIssued();
        logger.LogInformation("Invitation {InvitationId} issued for meeting {MeetingId}", Issued.Id, meetingId);
        GuestName = null;
        ExpiresAt = null;
        await LoadAsync(meetingId);
        return Page();
    }

    public async Task<IActionResult> OnPostCalendarAsync(string meetingId, string? invitationId, string? token)
    {
        if (!await LoadAsync(meetingId))
        {
            return NotFound();
        }

        // The token comes back from the page that showed it once; it must belong to this meeting's invitation.
        var invitation = Invitations.FirstOrDefault(i => i.Id == invitationId);
        if (invitation is null || token is null || !SecretToken.Matches(token, invitation.TokenHash))
        {
            return NotFound();
        }

        var ics = CalendarFile.Create(Meeting!, links.For(Request, token), invitation.Id + "@appliance", clock.GetUtcNow(), Level.MarkingIn("en"));
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", "meeting.ics");
    }

    public async Task<IActionResult> OnPostRevokeAsync(string meetingId, string? invitationId)
    {
        var outcome = await invitations.RevokeAsync(Actor, meetingId, invitationId, HttpContext.RequestAborted);
        if (!await LoadAsync(meetingId))
        {
            return NotFound();
        }

        if (outcome.Succeeded)
        {
            logger.LogInformation("Invitation {InvitationId} of meeting {MeetingId} revoked", invitationId, meetingId);
            Notice = T.Format("invite.revoked.notice", outcome.Value!.GuestName);
        }
        else
        {
            AddError(outcome.Message!);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(string meetingId)
    {
        var outcome = await book.CancelAsync(Actor, meetingId, HttpContext.RequestAborted);
        if (outcome.Failure == FailureKind.NotFound)
        {
            return NotFound();
        }

        if (outcome.Succeeded)
        {
            logger.LogInformation("Meeting {MeetingId} cancelled", meetingId);
            Notice = T["meeting.cancelled.notice"];
        }
        else
        {
            AddError(outcome.Message!);
        }

        await LoadAsync(meetingId);
        return Page();
    }

    private async Task<bool> LoadAsync(string meetingId)
    {
        var found = await book.GetAsync(Actor, meetingId, HttpContext.RequestAborted);
        if (!found.Succeeded)
        {
            return false;
        }

        Meeting = found.Value!;
        Level = catalog.Get(Meeting.ClassificationId);
        Invitations = (await invitations.ListAsync(Actor, meetingId, HttpContext.RequestAborted)).Value ?? [];
        return true;
    }
}
