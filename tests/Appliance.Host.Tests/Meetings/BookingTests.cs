using System.Net;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Meetings;

/// <summary>Booking meetings through the organiser's form. One appliance; titles are unique per test.</summary>
public sealed class BookingTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;

    [Test]
    public async Task Booking_form_without_the_antiforgery_token_is_refused_with_400_and_books_nothing()
    {
        var before = await MeetingCountAsync();
        var start = MeetingPages.Tomorrow();

        var page = await Forms.PostAsync(Admin.Client, "/meetings/new", MeetingPages.BookingFields("Forged booking", start, start.AddHours(1)), token: null);
        var forgedToken = await Forms.PostAsync(Admin.Client, "/meetings/new", MeetingPages.BookingFields("Forged booking", start, start.AddHours(1)), token: "CfDJ8-not-a-real-token");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(forgedToken.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await MeetingCountAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Booking_form_books_the_meeting_and_redirects_to_its_page()
    {
        var start = MeetingPages.Tomorrow();
        var fields = MeetingPages.BookingFields(
            "Case review 4711",
            start,
            start.AddMinutes(90),
            "confidential",
            "1. Welcome\n2. The decision",
            ("Carla Citizen", "Citizen", "carla@example.org"),
            ("Ivan Interpreter", "Interpreter", ""));

        var booked = await Forms.SubmitAsync(Admin.Client, "/meetings/new", fields);
        Assert.That(booked.Status, Is.EqualTo(HttpStatusCode.Redirect), string.Join("; ", Forms.ErrorSummary(booked.Body)));
        Assert.That(booked.Location, Does.Match("^/meetings/[A-Za-z0-9_-]+$"));

        var stored = await Appliance.Service<IMeetingStore>().FindAsync(booked.Location!["/meetings/".Length..]);
        Assert.That(stored, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Title, Is.EqualTo("Case review 4711"));
            Assert.That(stored.StartsAt, Is.EqualTo(start));
            Assert.That(stored.EndsAt, Is.EqualTo(start.AddMinutes(90)));
            Assert.That(stored.ClassificationId, Is.EqualTo("confidential"));
            Assert.That(stored.Agenda, Does.Contain("The decision"));
            Assert.That(stored.OrganiserName, Is.EqualTo(Admin.DisplayName));
            Assert.That(stored.Participants.Select(p => (p.Name, p.Role)), Is.EqualTo(new[] { ("Carla Citizen", ParticipantRole.Citizen), ("Ivan Interpreter", ParticipantRole.Interpreter) }));
        });

        var list = await Forms.GetAsync(Admin.Client, "/meetings");
        Assert.That(list.Body, Does.Contain($"href=\"{booked.Location}\""));
    }

    [Test]
    public async Task Meeting_page_shows_the_classification_marking_banner()
    {
        var confidential = await MeetingPages.BookAsync(Admin, "Marked meeting", "confidential");
        var open = await MeetingPages.BookAsync(Admin, "Open meeting", "open");

        var page = await Forms.GetAsync(Admin.Client, "/meetings/" + confidential);
        var openPage = await Forms.GetAsync(Admin.Client, "/meetings/" + open);

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Match("<div class=\"marking marking-confidential\"[^>]*>CONFIDENTIAL</div>"));
            Assert.That(page.Body, Does.Contain("Marked meeting"));
            Assert.That(openPage.Body, Does.Match("<div class=\"marking marking-open\"[^>]*>OPEN</div>"));
            Assert.That(openPage.Body, Does.Not.Contain("marking marking-confidential"));
        });
    }

    [TestCase("", 1, "field.title", "validation.required", TestName = "Booking_form_without_a_title_shows_the_error_and_books_nothing")]
    [TestCase("End before start", -1, "field.endsAt", "validation.end_before_start", TestName = "Booking_form_with_the_end_before_the_start_shows_the_error_and_books_nothing")]
    [TestCase("Too long", 13, "field.endsAt", "validation.duration_too_long", TestName = "Booking_form_longer_than_twelve_hours_shows_the_error_and_books_nothing")]
    public async Task Invalid_booking_form_shows_the_error_summary_and_books_nothing(string title, int hours, string field, string message)
    {
        var before = await MeetingCountAsync();
        var start = MeetingPages.Tomorrow();

        var page = await Forms.SubmitAsync(Admin.Client, "/meetings/new", MeetingPages.BookingFields(title, start, start.AddHours(hours)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Location, Is.Null);
            Assert.That(Forms.ErrorSummary(page.Body), Does.Contain($"{T.Get("en", field)}: {T.Get("en", message)}"));
            Assert.That(await MeetingCountAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Booking_form_with_unknown_classification_bad_email_and_bad_time_names_each_field()
    {
        var before = await MeetingCountAsync();
        var start = MeetingPages.Tomorrow();
        var fields = MeetingPages.BookingFields("Several problems", start, start.AddHours(1), "top-secret", "", ("Pat", "Citizen", "not-an-address"));
        fields.RemoveAll(f => f.Key == "Input.StartsAt");
        fields.Add(new("Input.StartsAt", "tomorrow at ten"));

        var page = await Forms.SubmitAsync(Admin.Client, "/meetings/new", fields);
        var errors = Forms.ErrorSummary(page.Body);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(errors, Has.Some.StartsWith(T.Get("en", "field.startsAt") + ":"));
            Assert.That(await MeetingCountAsync(), Is.EqualTo(before));
        });

        fields.RemoveAll(f => f.Key == "Input.StartsAt");
        fields.Add(new("Input.StartsAt", MeetingPages.InputTime(start)));
        page = await Forms.SubmitAsync(Admin.Client, "/meetings/new", fields);
        errors = Forms.ErrorSummary(page.Body);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(errors, Does.Contain($"{T.Get("en", "field.classification")}: {T.Get("en", "validation.unknown_classification")}"));
            Assert.That(errors, Does.Contain($"{T.Get("en", "field.participants.email")}: {T.Get("en", "validation.invalid_email")}"));
            Assert.That(page.Body, Does.Contain("value=\"not-an-address\""), "what was typed is kept");
            Assert.That(await MeetingCountAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Another_organisers_meeting_page_answers_404()
    {
        var meetingId = await MeetingPages.BookAsync(Admin, "Not yours");
        using var other = await Admin.CreateUserAsync("nosy", "Nosy Parker", RoleNames.Organiser);

        var page = await Forms.GetAsync(other.Client, "/meetings/" + meetingId);
        var list = await Forms.GetAsync(other.Client, "/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(page.Body, Does.Not.Contain("Not yours"));
            Assert.That(list.Body, Does.Not.Contain(meetingId));
        });
    }

    [Test]
    public async Task Staff_without_the_organiser_role_are_denied_the_meetings()
    {
        using var auditor = await Admin.CreateUserAsync("auditor-b", "Audrey Auditor", RoleNames.Auditor);

        var page = await Forms.GetAsync(auditor.Client, "/meetings/new");

        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Location, Does.Contain("/denied"));
        var denied = await Forms.GetAsync(auditor.Client, page.Location!);
        Assert.That(denied.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private Task<int> MeetingCountAsync() => Appliance.Service<IMeetingStore>().CountAsync();
}
