using Appliance.Core.Meetings;
using Appliance.Core.Policy;

namespace Appliance.AdminUi.Policies;

/// <summary>A booked meeting as the policy preview sees it.</summary>
public static class BookedMeetings
{
    /// <summary>The meeting with its level and the policy version it was booked under.</summary>
    public static BookedMeeting Of(Meeting meeting)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return new BookedMeeting(meeting.Id, meeting.ClassificationId, meeting.PolicyVersion);
    }
}
