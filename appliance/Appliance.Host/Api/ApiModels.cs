using Appliance.Core.Invitations;
using Appliance.Core.Meetings;

namespace Appliance.Host.Api;

/// <summary>A meeting to book.</summary>
public sealed record BookMeetingRequest(
    string? Title,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? Agenda,
    string? Classification,
    IReadOnlyList<ParticipantModel>? Participants);

/// <summary>A listed participant.</summary>
public sealed record ParticipantModel(string? Name, string? Role, string? Email);

/// <summary>A booked meeting as the API shows it.</summary>
public sealed record MeetingModel(
    string Id,
    string Title,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string? Agenda,
    string Classification,
    string Marking,
    string Organiser,
    IReadOnlyList<ParticipantModel> Participants,
    string Status,
    DateTimeOffset CreatedAt)
{
    public static MeetingModel From(Meeting meeting, string marking) => new(
        meeting.Id,
        meeting.Title,
        meeting.StartsAt,
        meeting.EndsAt,
        meeting.Agenda,
        meeting.ClassificationId,
        marking,
        meeting.OrganiserName,
        meeting.Participants.Select(p => new ParticipantModel(p.Name, p.Role.ToString(), p.Email)).ToList(),
        meeting.Status.ToString(),
        meeting.CreatedAt);
}

/// <summary>A guest to invite.</summary>
public sealed record InviteGuestRequest(string? GuestName, DateTimeOffset? ExpiresAt, string? Pin);

/// <summary>An invitation as the API lists it (never with its token).</summary>
public sealed record InvitationModel(string Id, string GuestName, DateTimeOffset ExpiresAt, bool HasPin, bool Revoked, DateTimeOffset CreatedAt)
{
    public static InvitationModel From(Invitation invitation) => new(
        invitation.Id, invitation.GuestName, invitation.ExpiresAt, invitation.PinHash is not null, invitation.RevokedAt is not null, invitation.CreatedAt);
}

/// <summary>A new invitation: the link and calendar file are shown this once, since only the token's hash is kept.</summary>
public sealed record IssuedInvitationModel(string Id, string GuestName, DateTimeOffset ExpiresAt, bool HasPin, Uri Link, string Calendar);

/// <summary>A classification level as bookers choose it.</summary>
public sealed record ClassificationModel(string Id, string Name, string Marking, string Colour, int Rank);

/// <summary>A join ticket for the signalling WebSocket: the first message's <c>ticket</c>, valid until <paramref name="ExpiresAt"/>.</summary>
public sealed record JoinTicketModel(string Ticket, DateTimeOffset ExpiresAt, string WebSocketPath);
