using Appliance.Core.Classification;
using Appliance.Core.Invitations;
using Appliance.Core.Rooms;
using Appliance.Host.Identity;
using Appliance.Host.Meetings;
using Appliance.Host.Operations;
using Appliance.Host.Policy;
using Appliance.Host.Security;
using Appliance.Host.Signalling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages.Guests;

/// <summary>
/// A guest's way into the meeting room from their waiting page: the same checks as the waiting page (link, PIN), then a
/// fresh join ticket for the signalling WebSocket. Anything but a granted link goes back to the waiting page, which
/// shows the PIN prompt or the one "this link does not work" answer.
/// </summary>
[EnableRateLimiting(RateLimits.Guest)]
public sealed class GuestRoomModel(
    GuestInvitations invitations,
    GuestSession session,
    MeetingRooms rooms,
    ClassificationCatalog catalog,
    JoinTickets tickets,
    DisplayTime time,
    TimeProvider clock,
    ApplianceMetrics metrics,
    GuestEntryPolicy entryPolicy) : AppPageModel
{
    public GuestAccess Access { get; private set; } = GuestAccess.Invalid;

    public ClassificationLevel? Level { get; private set; }

    /// <summary>The join ticket; null when the room cannot be entered now.</summary>
    public string? Ticket { get; private set; }

    /// <summary>Why the room cannot be entered now.</summary>
    public string? ClosedText { get; private set; }

    /// <summary>The guest's waiting page.</summary>
    public string WaitingPage { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(string token)
    {
        WaitingPage = "/j/" + Uri.EscapeDataString(token);
        Access = await invitations.RedeemAsync(token, null, i => session.HasGivenPin(Request, i.Id), HttpContext.RequestAborted);
        metrics.GuestLinkOpened(Access.Status.ToString().ToLowerInvariant());
        if (Access.Status != GuestAccessStatus.Granted)
        {
            return Redirect(WaitingPage);
        }

        var meeting = Access.Meeting!;
        Level = catalog.Get(meeting.ClassificationId);
        if (await entryPolicy.RefusalAsync(HttpContext, meeting, Access.Invitation!, HttpContext.RequestAborted) is { } refusal)
        {
            ClosedText = refusal;
            return Page();
        }

        switch (RoomRules.CheckEntryTime(meeting, isHost: false, clock.GetUtcNow(), rooms.Limits))
        {
            case null:
                Ticket = tickets.IssueForGuest(meeting.Id, Access.Invitation!.Id);
                break;
            case RoomRefusal.TooEarly:
                ClosedText = T.Format("room.closed.early", time.Moment(RoomRules.GuestsFrom(meeting, rooms.Limits)));
                break;
            case RoomRefusal.MeetingCancelled:
                ClosedText = T["room.closed.cancelled"];
                break;
            default:
                ClosedText = T["room.closed.over"];
                break;
        }

        return Page();
    }
}
