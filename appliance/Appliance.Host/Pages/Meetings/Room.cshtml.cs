using Appliance.Core.Classification;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Policy;
using Appliance.Host.Signalling;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages.Meetings;

/// <summary>The organiser's meeting room: the page that opens the signalling WebSocket with a fresh join ticket.</summary>
public sealed class MeetingRoomPageModel(MeetingBook book, MeetingRooms rooms, ClassificationCatalog catalog, JoinTickets tickets, TimeProvider clock, MeetingPolicy policy) : AppPageModel
{
    public Meeting? Meeting { get; private set; }

    public ClassificationLevel Level { get; private set; } = null!;

    /// <summary>The join ticket; null when the room cannot be entered now.</summary>
    public string? Ticket { get; private set; }

    /// <summary>Why the room cannot be entered now.</summary>
    public string? ClosedText { get; private set; }

    public async Task<IActionResult> OnGetAsync(string meetingId)
    {
        var found = await book.GetAsync(Actor, meetingId, HttpContext.RequestAborted);
        if (!found.Succeeded)
        {
            return NotFound();
        }

        Meeting = found.Value!;
        Level = catalog.Get(Meeting.ClassificationId);
        var seenAs = PolicyActors.Staff(HttpContext, isHost: true);
        var context = await policy.ContextAsync(Meeting, rooms.Find(Meeting.Id)?.Roster().Count ?? 0, cancellationToken: HttpContext.RequestAborted);
        var decision = await policy.DecideAsync(context, seenAs, PolicyAction.JoinAsStaff, HttpContext.RequestAborted);
        if (!decision.Allowed)
        {
            ClosedText = decision.ReasonIn(SignallingHub.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture));
            return Page();
        }

        switch (RoomRules.CheckEntryTime(Meeting, isHost: true, clock.GetUtcNow(), rooms.Limits))
        {
            case null:
                Ticket = tickets.IssueForStaff(Meeting.Id, Actor.UserId, seenAs.Authentication, seenAs.Acr);
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
