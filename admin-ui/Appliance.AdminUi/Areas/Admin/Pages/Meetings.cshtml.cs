using Appliance.Core.Audit;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Core.Rooms;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>The meetings running now, who is in them, and ending one for everyone (operators).</summary>
public sealed class MeetingsModel(MeetingRooms rooms, ILiveMeetingControl control, IAuditLog audit, Texts texts) : PageModel
{
    /// <summary>A running meeting and the people in it.</summary>
    public sealed record Live(Meeting Meeting, IReadOnlyList<ParticipantView> People, int Waiting);

    public IReadOnlyList<Live> Meetings { get; private set; } = [];

    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostEndAsync(string? id)
    {
        var actor = AdminActor.Of(User);
        var room = id is null ? null : rooms.Find(id);
        if (room is null || !control.EndForEveryone(room.MeetingId))
        {
            Error = texts["admin.meetings.notrunning"];
        }
        else
        {
            await audit.AppendAsync(new AuditEvent(actor.UserId, AuditAction.MeetingEnded, room.MeetingId, AuditOutcome.Success, new Dictionary<string, string> { ["by"] = "operator" }), HttpContext.RequestAborted);
            Notice = texts.Format("admin.meetings.ended", room.Meeting.Title);
        }

        Load();
        return Page();
    }

    private void Load() =>
        Meetings = [.. rooms.MeetingIds
            .Select(rooms.Find)
            .OfType<MeetingRoom>()
            .Select(r => new Live(r.Meeting, r.Roster(), r.LobbyQueue().Count))
            .OrderBy(l => l.Meeting.StartsAt)];
}
