using Appliance.Core.Meetings;
using Appliance.Core.Validation;
using Appliance.Host.Meetings;
using Appliance.Host.Operations;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages.Meetings;

/// <summary>Booking a meeting from the browser.</summary>
public sealed class NewMeetingModel(MeetingBook book, DisplayTime time, TimeProvider clock, ApplianceMetrics metrics, ILogger<NewMeetingModel> logger) : AppPageModel
{
    private const int ParticipantRows = 6;

    [BindProperty]
    public MeetingForm Input { get; set; } = new();

    public string TimeZoneName => time.Zone.Id;

    public void OnGet()
    {
        var start = time.Local(clock.GetUtcNow()).AddHours(1);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, start.Offset);
        Input = new MeetingForm
        {
            StartsAt = time.InputValue(start),
            EndsAt = time.InputValue(start.AddHours(1)),
            Classification = "internal",
        };
        Pad();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var errors = new ValidationErrors();
        var starts = time.ParseInput(Input.StartsAt);
        var ends = time.ParseInput(Input.EndsAt);
        if (starts is null && !string.IsNullOrWhiteSpace(Input.StartsAt))
        {
            errors.Add("startsAt", Messages.InvalidCharacters);
        }

        if (ends is null && !string.IsNullOrWhiteSpace(Input.EndsAt))
        {
            errors.Add("endsAt", Messages.InvalidCharacters);
        }

        var participants = (Input.Participants ?? [])
            .Where(p => !string.IsNullOrWhiteSpace(p.Name) || !string.IsNullOrWhiteSpace(p.Email))
            .Select(p => new ParticipantDraft(p.Name, p.Role, p.Email))
            .ToList();
        if (errors.IsEmpty)
        {
            var outcome = await book.BookAsync(
                Actor, new MeetingDraft(Input.Title, starts, ends, Input.Agenda, Input.Classification, participants), Policy.PolicyActors.Staff(HttpContext), HttpContext.RequestAborted);
            if (outcome.Succeeded)
            {
                metrics.MeetingBooked();
                logger.LogInformation("Meeting {MeetingId} booked by {UserId}", outcome.Value!.Id, outcome.Value.OrganiserId);
                return Redirect("/meetings/" + outcome.Value.Id);
            }

            if (outcome.Denial is { } denial)
            {
                AddDenial(denial);
            }

            errors = outcome.Errors ?? errors;
        }

        AddErrors(errors);
        Pad();
        return Page();
    }

    private void Pad()
    {
        Input.Participants ??= [];
        while (Input.Participants.Count < ParticipantRows)
        {
            Input.Participants.Add(new ParticipantForm());
        }

        if (Input.Participants.Count > MeetingRules.MaxParticipants)
        {
            Input.Participants.RemoveRange(MeetingRules.MaxParticipants, Input.Participants.Count - MeetingRules.MaxParticipants);
        }
    }
}

/// <summary>The booking form's fields as posted.</summary>
public sealed class MeetingForm
{
    public string? Title { get; set; }

    public string? StartsAt { get; set; }

    public string? EndsAt { get; set; }

    public string? Agenda { get; set; }

    public string? Classification { get; set; }

    public List<ParticipantForm> Participants { get; set; } = [];
}

/// <summary>One participant row.</summary>
public sealed class ParticipantForm
{
    public string? Name { get; set; }

    public string? Role { get; set; }

    public string? Email { get; set; }
}
