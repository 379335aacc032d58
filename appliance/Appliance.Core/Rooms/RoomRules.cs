using Appliance.Core.Meetings;

namespace Appliance.Core.Rooms;

/// <summary>When a meeting's room can be entered at all, before anything about the room itself.</summary>
public static class RoomRules
{
    /// <summary>True when the entrant is the meeting's organiser, who hosts it.</summary>
    public static bool IsOrganiser(Meeting meeting, RoomEntrant entrant)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(entrant);
        return entrant.Kind == ParticipantKind.Staff && string.Equals(entrant.SubjectId, meeting.OrganiserId, StringComparison.Ordinal);
    }

    /// <summary>
    /// Null when the room may be entered now; otherwise why not. Scheduled meetings only; the host any time until the
    /// grace time after the end, everyone else from <see cref="RoomLimits.EarlyEntry"/> before the start.
    /// </summary>
    public static RoomRefusal? CheckEntryTime(Meeting meeting, bool isHost, DateTimeOffset now, RoomLimits limits)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(limits);
        if (meeting.Status != MeetingStatus.Scheduled)
        {
            return RoomRefusal.MeetingCancelled;
        }

        if (now >= meeting.EndsAt + limits.LateEntry)
        {
            return RoomRefusal.MeetingOver;
        }

        if (!isHost && now < meeting.StartsAt - limits.EarlyEntry)
        {
            return RoomRefusal.TooEarly;
        }

        return null;
    }

    /// <summary>The first moment a guest can enter the room.</summary>
    public static DateTimeOffset GuestsFrom(Meeting meeting, RoomLimits limits)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(limits);
        return meeting.StartsAt - limits.EarlyEntry;
    }
}
