using Appliance.Core.Meetings;

namespace Appliance.Core.Rooms;

/// <summary>
/// The rooms of the meetings running on this appliance. A room opens when the first person enters a scheduled meeting
/// in its entry window, and closes when the last person has gone (and their grace time has passed) or a host ends it.
/// A meeting ended for all stays closed until its entry window is over, also for its host. Thread-safe.
/// </summary>
public sealed class MeetingRooms
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MeetingRoom> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _endedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the registry.</summary>
    public MeetingRooms(TimeProvider time, RoomLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Limits = limits ?? RoomLimits.Default;
    }

    /// <summary>The limits every room runs with.</summary>
    public RoomLimits Limits { get; }

    /// <summary>How many rooms are open.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _rooms.Count;
            }
        }
    }

    /// <summary>The ids of the meetings whose rooms are open (a snapshot).</summary>
    public IReadOnlyList<string> MeetingIds
    {
        get
        {
            lock (_lock)
            {
                return _rooms.Keys.ToList();
            }
        }
    }

    /// <summary>
    /// Someone with a checked ticket enters a meeting: refused when the meeting is cancelled, ended, over or (for anyone
    /// but its host) not yet open; otherwise as <see cref="MeetingRoom.Join(RoomEntrant, bool)"/> decides. Opens the room when needed.
    /// </summary>
    public RoomEntry Enter(Meeting meeting, RoomEntrant entrant) => Enter(meeting, entrant, direct: false);

    /// <summary>As <see cref="Enter(Meeting, RoomEntrant)"/>; <paramref name="direct"/> admits a non-host without the lobby.</summary>
    public RoomEntry Enter(Meeting meeting, RoomEntrant entrant, bool direct)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(entrant);
        lock (_lock)
        {
            if (IsEndedLocked(meeting.Id))
            {
                return RoomEntry.Refuse(RoomRefusal.MeetingEnded);
            }

            if (RoomRules.CheckEntryTime(meeting, RoomRules.IsOrganiser(meeting, entrant), _time.GetUtcNow(), Limits) is { } refusal)
            {
                return RoomEntry.Refuse(refusal);
            }

            if (!_rooms.TryGetValue(meeting.Id, out var room))
            {
                room = new MeetingRoom(meeting, _time, Limits);
                _rooms.Add(meeting.Id, room);
            }

            return room.Join(entrant, direct);
        }
    }

    /// <summary>The meeting whose room holds this resume token, or null.</summary>
    public string? FindMeetingOfResumeToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        lock (_lock)
        {
            foreach (var room in _rooms.Values)
            {
                if (room.HoldsResumeToken(token))
                {
                    return room.MeetingId;
                }
            }

            return null;
        }
    }

    /// <summary>A participant comes back with their resume token (see <see cref="MeetingRoom.Resume"/>).</summary>
    public RoomEntry Resume(string meetingId, string token, long? lastChatSequence = null)
    {
        ArgumentNullException.ThrowIfNull(meetingId);
        lock (_lock)
        {
            if (IsEndedLocked(meetingId))
            {
                return RoomEntry.Refuse(RoomRefusal.MeetingEnded);
            }

            return _rooms.TryGetValue(meetingId, out var room)
                ? room.Resume(token, lastChatSequence)
                : RoomEntry.Refuse(RoomRefusal.UnknownResumeToken);
        }
    }

    /// <summary>The open room of a meeting (null when there is none or it has ended).</summary>
    public MeetingRoom? Find(string meetingId)
    {
        ArgumentNullException.ThrowIfNull(meetingId);
        lock (_lock)
        {
            return _rooms.TryGetValue(meetingId, out var room) && !room.IsEnded ? room : null;
        }
    }

    /// <summary>
    /// Housekeeping for one room, to run every second or so: removes those whose grace time passed, and closes the room
    /// when it has ended or is empty. Returns what the others must hear.
    /// </summary>
    public RoomDecision Sweep(string meetingId)
    {
        ArgumentNullException.ThrowIfNull(meetingId);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var gone in _endedUntil.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _endedUntil.Remove(gone);
            }

            if (!_rooms.TryGetValue(meetingId, out var room))
            {
                return RoomDecision.Nothing;
            }

            if (room.IsEnded)
            {
                _rooms.Remove(meetingId);
                _endedUntil[meetingId] = room.Meeting.EndsAt + Limits.LateEntry;
                return RoomDecision.Nothing;
            }

            var decision = room.ExpireReconnects();
            if (room.IsEmpty)
            {
                _rooms.Remove(meetingId);
            }

            return decision;
        }
    }

    private bool IsEndedLocked(string meetingId) =>
        _endedUntil.ContainsKey(meetingId) || (_rooms.TryGetValue(meetingId, out var room) && room.IsEnded);
}
