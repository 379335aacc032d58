using Appliance.Core.Calendar;
using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Core.Rooms;
using Appliance.Core.Validation;
using Appliance.Host.Configuration;
using Appliance.Host.Identity;
using Appliance.Host.Meetings;
using Appliance.Host.Operations;
using Appliance.Host.Policy;
using Appliance.Host.Security;
using Appliance.Host.Signalling;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Host.Api;

/// <summary>
/// REST API /api/v1 for case-management systems: book, list, get and cancel meetings; invite guests, list and revoke
/// invitations. Every call needs a personal API token of a staff member with the Organiser role.
/// </summary>
public static class MeetingsApi
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limit = app.Services.GetRequiredService<ApplianceOptions>().MaxApiBodyBytes;
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.Use(async (context, next) =>
        {
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (context.Request.ContentLength > limit)
            {
                await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"The request body is larger than {limit} bytes.").ExecuteAsync(context);
                return;
            }

            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = limit;
            }

            await next(context);
        }));

        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(StaffAuthentication.ApiPolicy)
            .RequireRateLimiting(RateLimits.Api)
            .WithTags("Meetings");

        api.MapGet("/classifications", ListClassifications).WithName("ListClassifications").WithSummary("The classification levels a meeting can be booked at.");
        api.MapGet("/meetings", ListMeetingsAsync).WithName("ListMeetings").Produces<MeetingModel[]>().WithSummary("The caller's meetings, soonest first.");
        api.MapPost("/meetings", BookMeetingAsync).WithName("BookMeeting").Produces<MeetingModel>(201).ProducesValidationProblem().WithSummary("Books a meeting; the caller hosts it.");
        api.MapGet("/meetings/{meetingId}", GetMeetingAsync).WithName("GetMeeting").Produces<MeetingModel>().ProducesProblem(404);
        api.MapPost("/meetings/{meetingId}/cancel", CancelMeetingAsync).WithName("CancelMeeting").Produces<MeetingModel>().ProducesProblem(404).ProducesProblem(409).WithSummary("Cancels a meeting; its guest links stop working.");
        api.MapPost("/meetings/{meetingId}/join-ticket", IssueJoinTicketAsync).WithName("IssueJoinTicket").Produces<JoinTicketModel>().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("A join ticket for the caller, the meeting's host, to enter its room over the signalling WebSocket (/ws) without a browser session; valid two minutes.");
        api.MapGet("/meetings/{meetingId}/invitations", ListInvitationsAsync).WithName("ListInvitations").Produces<InvitationModel[]>().ProducesProblem(404);
        api.MapPost("/meetings/{meetingId}/invitations", InviteGuestAsync).WithName("InviteGuest").Produces<IssuedInvitationModel>(201).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Invites a guest. The response holds the link and an .ics calendar file once: only a hash of the token is kept.");
        api.MapPost("/meetings/{meetingId}/invitations/{invitationId}/revoke", RevokeInvitationAsync).WithName("RevokeInvitation").Produces<InvitationModel>().ProducesProblem(404).ProducesProblem(409);
    }

    private static Ok<ClassificationModel[]> ListClassifications(ClassificationCatalog catalog) =>
        TypedResults.Ok(catalog.Levels.Select(l => new ClassificationModel(l.Id, l.NameIn("en"), l.MarkingIn("en"), l.Colour, l.Rank)).ToArray());

    private static async Task<Ok<MeetingModel[]>> ListMeetingsAsync(HttpContext context, MeetingBook book, ClassificationCatalog catalog)
    {
        var meetings = await book.ListAsync(Actor(context), context.RequestAborted);
        return TypedResults.Ok(meetings.Select(m => Model(m, catalog)).ToArray());
    }

    private static async Task<IResult> BookMeetingAsync(
        HttpContext context, BookMeetingRequest? request, MeetingBook book, ClassificationCatalog catalog, ApplianceMetrics metrics, ILoggerFactory logs)
    {
        if (request is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "A JSON body describing the meeting is required.");
        }

        var draft = new MeetingDraft(
            request.Title,
            request.StartsAt,
            request.EndsAt,
            request.Agenda,
            request.Classification,
            request.Participants?.Select(p => p is null ? null! : new ParticipantDraft(p.Name, p.Role, p.Email)).ToList());
        var outcome = await book.BookAsync(Actor(context), draft, PolicyActors.Staff(context), context.RequestAborted);
        if (!outcome.Succeeded)
        {
            return Failure(outcome);
        }

        metrics.MeetingBooked();
        logs.CreateLogger("Appliance.Api").LogInformation("Meeting {MeetingId} booked through the API by {UserId}", outcome.Value!.Id, outcome.Value.OrganiserId);
        return TypedResults.Created($"/api/v1/meetings/{outcome.Value.Id}", Model(outcome.Value, catalog));
    }

    private static async Task<IResult> GetMeetingAsync(
        HttpContext context, string meetingId, MeetingBook book, ClassificationCatalog catalog)
    {
        var outcome = await book.GetAsync(Actor(context), meetingId, context.RequestAborted);
        return outcome.Succeeded ? TypedResults.Ok(Model(outcome.Value!, catalog)) : Failure(outcome);
    }

    private static async Task<IResult> CancelMeetingAsync(
        HttpContext context, string meetingId, MeetingBook book, ClassificationCatalog catalog)
    {
        var outcome = await book.CancelAsync(Actor(context), meetingId, context.RequestAborted);
        return outcome.Succeeded ? TypedResults.Ok(Model(outcome.Value!, catalog)) : Failure(outcome);
    }

    private static async Task<IResult> IssueJoinTicketAsync(
        HttpContext context, string meetingId, MeetingBook book, MeetingRooms rooms, JoinTickets tickets, TimeProvider time, ILoggerFactory logs)
    {
        var actor = Actor(context);
        var outcome = await book.GetAsync(actor, meetingId, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            return Failure(outcome);
        }

        // The same entry-time rule as the organiser's room page, which is the other way to a staff ticket.
        var meeting = outcome.Value!;
        if (RoomRules.CheckEntryTime(meeting, isHost: true, time.GetUtcNow(), rooms.Limits) is { } refusal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The meeting room cannot be entered now.", type: refusal.ToString());
        }

        var ticket = tickets.IssueForStaff(meeting.Id, actor.UserId);
        logs.CreateLogger("Appliance.Api").LogInformation("Join ticket for meeting {MeetingId} issued through the API to {UserId}", meeting.Id, actor.UserId);
        return TypedResults.Ok(new JoinTicketModel(ticket, time.GetUtcNow() + JoinTickets.Lifetime, SignallingEndpoint.Path));
    }

    private static async Task<IResult> ListInvitationsAsync(
        HttpContext context, string meetingId, GuestInvitations invitations)
    {
        var outcome = await invitations.ListAsync(Actor(context), meetingId, context.RequestAborted);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!.Select(InvitationModel.From).ToArray()) : Failure(outcome);
    }

    private static async Task<IResult> InviteGuestAsync(
        HttpContext context, string meetingId, InviteGuestRequest? request, GuestInvitations invitations, MeetingBook book,
        ClassificationCatalog catalog, InvitationLinks links, TimeProvider time, ApplianceMetrics metrics)
    {
        if (request is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "A JSON body describing the guest is required.");
        }

        var actor = Actor(context);
        var outcome = await invitations.InviteAsync(actor, meetingId, request.GuestName, request.ExpiresAt, request.Pin, PolicyActors.Staff(context, isHost: true), context.RequestAborted);
        if (!outcome.Succeeded)
        {
            return Failure(outcome);
        }

        var (invitation, token) = outcome.Value;
        var meeting = (await book.GetAsync(actor, meetingId, context.RequestAborted)).Value!;
        var link = links.For(context.Request, token);
        var calendar = CalendarFile.Create(meeting, link, invitation.Id + "@appliance", time.GetUtcNow(), catalog.Get(meeting.ClassificationId).MarkingIn("en"));
        metrics.InvitationIssued();
        return TypedResults.Created(
            $"/api/v1/meetings/{meeting.Id}/invitations",
            new IssuedInvitationModel(invitation.Id, invitation.GuestName, invitation.ExpiresAt, invitation.PinHash is not null, link, calendar));
    }

    private static async Task<IResult> RevokeInvitationAsync(
        HttpContext context, string meetingId, string invitationId, GuestInvitations invitations)
    {
        var outcome = await invitations.RevokeAsync(Actor(context), meetingId, invitationId, context.RequestAborted);
        return outcome.Succeeded ? TypedResults.Ok(InvitationModel.From(outcome.Value!)) : Failure(outcome);
    }

    private static StaffActor Actor(HttpContext context) =>
        StaffAuthentication.ActorOf(context.User) ?? throw new InvalidOperationException("The API policy let an anonymous call through.");

    private static MeetingModel Model(Meeting meeting, ClassificationCatalog catalog) =>
        MeetingModel.From(meeting, catalog.TryGet(meeting.ClassificationId, out var level) ? level.MarkingIn("en") : meeting.ClassificationId);

    /// <summary>Maps a domain failure to problem+json (400 with field errors for invalid input).</summary>
    internal static IResult Failure<TValue>(Outcome<TValue> outcome)
    {
        var texts = Texts.Embedded;
        if (outcome.Failure == FailureKind.Invalid && outcome.Errors is not null)
        {
            var errors = outcome.Errors.ToDictionary().ToDictionary(e => e.Key, e => e.Value.Select(k => texts.Get("en", k)).ToArray());
            return TypedResults.ValidationProblem(errors, title: "The request has invalid fields.");
        }

        if (outcome.Denial is { } denial)
        {
            // The policy's reason as it stands (it names the level and what the caller can do), and the rule for scripts.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: texts.Get("en", Messages.PolicyDenied),
                detail: denial.ReasonIn("en"),
                type: Messages.PolicyDenied,
                extensions: new Dictionary<string, object?> { ["rule"] = denial.RuleId });
        }

        var status = outcome.Failure switch
        {
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        return TypedResults.Problem(statusCode: status, title: texts.Get("en", outcome.Message ?? Messages.NotAllowed), type: outcome.Message);
    }
}
