namespace Appliance.Core.Meetings;

/// <summary>Whether a meeting will still take place.</summary>
public enum MeetingStatus
{
    /// <summary>Booked and not cancelled.</summary>
    Scheduled,

    /// <summary>Cancelled by its organiser; its invitations no longer open anything.</summary>
    Cancelled,
}

/// <summary>What a listed participant is in the meeting, shown to everyone so a citizen knows who they meet.</summary>
public enum ParticipantRole
{
    /// <summary>A member of staff.</summary>
    Staff,

    /// <summary>The citizen the meeting is about.</summary>
    Citizen,

    /// <summary>An interpreter.</summary>
    Interpreter,

    /// <summary>A guardian or supporter (bisidder).</summary>
    Supporter,

    /// <summary>A relative.</summary>
    Relative,

    /// <summary>Someone else, for example an employer.</summary>
    Other,
}

/// <summary>A person expected at the meeting, listed before it so everyone knows who will be there.</summary>
public sealed record MeetingParticipant(string Name, ParticipantRole Role, string? Email);

/// <summary>A booked meeting.</summary>
public sealed record Meeting
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>The agenda, plain text with line breaks.</summary>
    public string? Agenda { get; init; }

    /// <summary>Id of the classification level, see <see cref="Classification.ClassificationCatalog"/>.</summary>
    public required string ClassificationId { get; init; }

    /// <summary>The staff member who booked and hosts it.</summary>
    public required string OrganiserId { get; init; }

    /// <summary>The host's display name at booking time, shown to guests.</summary>
    public required string OrganiserName { get; init; }

    public IReadOnlyList<MeetingParticipant> Participants { get; init; } = [];

    public MeetingStatus Status { get; init; } = MeetingStatus.Scheduled;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>
    /// The classification policy version the meeting was booked under (1 for meetings stored before versions were
    /// kept): its controls are the stricter of that version's and every later one's, so loosenings never reach it.
    /// </summary>
    public int PolicyVersion { get; init; } = 1;
}
