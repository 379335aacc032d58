namespace Appliance.Core.Meetings;

/// <summary>What someone asks to book, as it came in: every field may be missing or wrong.</summary>
public sealed record MeetingDraft(
    string? Title,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? Agenda,
    string? ClassificationId,
    IReadOnlyList<ParticipantDraft>? Participants);

/// <summary>A listed participant as it came in.</summary>
public sealed record ParticipantDraft(string? Name, string? Role, string? Email);
