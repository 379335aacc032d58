using Appliance.Core.Calendar;
using Appliance.Core.Classification;
using Appliance.Core.Invitations;
using Appliance.Core.Rooms;
using Appliance.Host.Identity;
using Appliance.Host.Meetings;
using Appliance.Host.Operations;
using Appliance.Host.Policy;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages.Guests;

/// <summary>
/// Where a guest link leads: the meeting's waiting page (title, time, agenda, host, marking), a PIN prompt, or one
/// generic "this link does not work" for every kind of bad link.
/// </summary>
[EnableRateLimiting(RateLimits.Guest)]
public sealed class GuestJoinModel(
    GuestInvitations invitations,
    ClassificationCatalog catalog,
    GuestSession session,
    InvitationLinks links,
    TimeProvider clock,
    ApplianceMetrics metrics,
    MeetingRooms rooms,
    GuestEntryPolicy entryPolicy,
    ILogger<GuestJoinModel> logger) : AppPageModel
{
    public GuestAccess Access { get; private set; } = GuestAccess.Invalid;

    public ClassificationLevel? Level { get; private set; }

    public string CalendarUrl { get; private set; } = "";

    /// <summary>Where the "Join the meeting" button leads.</summary>
    public string RoomUrl { get; private set; } = "";

    /// <summary>Why the classification policy refuses this guest (in the page's language); null when it does not.</summary>
    public string? PolicyRefusal { get; private set; }

    /// <summary>When the meeting room opens for guests; null when it is open now.</summary>
    public DateTimeOffset? RoomOpensAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        await RedeemAsync(token, null);
        return Page();
    }

    public async Task<IActionResult> OnGetCalendarAsync(string token)
    {
        await RedeemAsync(token, null);
        if (Access.Status != GuestAccessStatus.Granted || PolicyRefusal is not null)
        {
            return Page();
        }

        var ics = CalendarFile.Create(Access.Meeting!, links.For(Request, token), Access.Invitation!.Id + "@appliance", clock.GetUtcNow(), Level!.MarkingIn("en"));
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", "meeting.ics");
    }

    public async Task<IActionResult> OnPostAsync(string token, string? pin)
    {
        await RedeemAsync(token, pin ?? "");
        if (Access.Status == GuestAccessStatus.Granted)
        {
            session.RememberPin(Response, Access.Invitation!.Id, Access.Invitation.ExpiresAt);
            // Post/redirect/get, so that a reload does not post the PIN again.
            return Redirect(Request.Path);
        }

        if (Access.Status == GuestAccessStatus.PinRequired)
        {
            AddError("guest.pin.wrong");
        }

        return Page();
    }

    private async Task RedeemAsync(string token, string? pin)
    {
        Access = await invitations.RedeemAsync(token, pin, i => session.HasGivenPin(Request, i.Id), HttpContext.RequestAborted);
        metrics.GuestLinkOpened(Access.Status.ToString().ToLowerInvariant());
        switch (Access.Status)
        {
            case GuestAccessStatus.Granted:
                Level = catalog.Get(Access.Meeting!.ClassificationId);
                PolicyRefusal = await entryPolicy.RefusalAsync(HttpContext, Access.Meeting!, Access.Invitation!, HttpContext.RequestAborted);
                CalendarUrl = Request.Path + "?handler=Calendar";
                RoomUrl = Request.Path + "/room";
                if (RoomRules.CheckEntryTime(Access.Meeting!, isHost: false, clock.GetUtcNow(), rooms.Limits) == RoomRefusal.TooEarly)
                {
                    RoomOpensAt = RoomRules.GuestsFrom(Access.Meeting!, rooms.Limits);
                }
                break;
            case GuestAccessStatus.PinRequired:
                break;
            case GuestAccessStatus.Invalid:
            default:
                // One answer for wrong, expired, revoked and locked links; the log says no more either.
                logger.LogWarning("A guest link was refused ({Client})", HttpContext.Connection.RemoteIpAddress);
                Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}
