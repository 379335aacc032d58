using Appliance.Core.Meetings;

namespace Appliance.Host.Pages.Meetings;

/// <summary>The signed-in organiser's meetings.</summary>
public sealed class MeetingsIndexModel(MeetingBook book) : AppPageModel
{
    public IReadOnlyList<Meeting> Meetings { get; private set; } = [];

    public async Task OnGetAsync() => Meetings = await book.ListAsync(Actor, HttpContext.RequestAborted);
}
