using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Core.Validation;

namespace Appliance.Core.Tests.Meetings;

public class MeetingBookTests : DatabaseTest
{
    private static readonly StaffActor Anna = new("annaaaaaaaaaaaaaaaaaaaaaaa", "Anna Jensen", StaffRoles.Organiser);
    private static readonly StaffActor Bo = new("boaaaaaaaaaaaaaaaaaaaaaaaa", "Bo Hansen", StaffRoles.Organiser | StaffRoles.Auditor);

    private MeetingBook Book => new(Database.Meetings, ClassificationCatalog.Basic, Time);

    private MeetingDraft Draft(string title = "Samtale", int daysAhead = 1) => new(
        title, Time.GetUtcNow().AddDays(daysAhead), Time.GetUtcNow().AddDays(daysAhead).AddHours(1), null, "open", null);

    [TestCase(StaffRoles.None)]
    [TestCase(StaffRoles.SecurityOfficer)]
    [TestCase(StaffRoles.Operator | StaffRoles.Auditor | StaffRoles.SecurityOfficer)]
    public async Task Booking_is_refused_without_the_organiser_role(StaffRoles roles)
    {
        var outcome = await Book.BookAsync(Anna with { Roles = roles }, Draft());

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Forbidden));
        Assert.That(outcome.Message, Is.EqualTo(Messages.NotAllowed));
        Assert.That(await Database.Meetings.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task Booking_is_refused_without_the_organiser_role_even_for_an_invalid_draft()
    {
        var outcome = await Book.BookAsync(Anna with { Roles = StaffRoles.Operator }, new MeetingDraft(null, null, null, null, null, null));

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Forbidden));
    }

    [Test]
    public async Task An_organiser_gets_back_a_booked_meeting()
    {
        var booked = await Book.BookAsync(Anna, Draft());

        var found = await Book.GetAsync(Anna, booked.Value!.Id);

        Assert.That(found.Succeeded, Is.True);
        Assert.That(found.Value!.Id, Is.EqualTo(booked.Value.Id));
    }

    [Test]
    public async Task Another_organisers_meeting_answers_NotFound()
    {
        var booked = await Book.BookAsync(Anna, Draft());

        var found = await Book.GetAsync(Bo, booked.Value!.Id);
        var cancelled = await Book.CancelAsync(Bo, booked.Value.Id);

        Assert.That(found.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That(found.Message, Is.EqualTo(Messages.MeetingNotFound));
        Assert.That(cancelled.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That((await Database.Meetings.FindAsync(booked.Value.Id))!.Status, Is.EqualTo(MeetingStatus.Scheduled));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not-an-id")]
    [TestCase("abcdefghijklmnopqrstuvwxyz")]
    public async Task An_unknown_or_malformed_id_answers_NotFound(string? id)
    {
        var outcome = await Book.GetAsync(Anna, id);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.NotFound));
    }

    [Test]
    public async Task Cancelling_marks_the_meeting_cancelled_with_the_time()
    {
        var booked = await Book.BookAsync(Anna, Draft());
        Time.Advance(TimeSpan.FromMinutes(5));

        var cancelled = await Book.CancelAsync(Anna, booked.Value!.Id);

        Assert.That(cancelled.Succeeded, Is.True);
        var stored = await Database.Meetings.FindAsync(booked.Value.Id);
        Assert.That(stored!.Status, Is.EqualTo(MeetingStatus.Cancelled));
        Assert.That(stored.CancelledAt, Is.EqualTo(Time.GetUtcNow()));
    }

    [Test]
    public async Task Cancelling_twice_answers_Conflict()
    {
        var booked = await Book.BookAsync(Anna, Draft());
        await Book.CancelAsync(Anna, booked.Value!.Id);

        var again = await Book.CancelAsync(Anna, booked.Value.Id);

        Assert.That(again.Failure, Is.EqualTo(FailureKind.Conflict));
        Assert.That(again.Message, Is.EqualTo(Messages.MeetingCancelled));
    }

    [Test]
    public async Task Listing_shows_only_the_actors_own_meetings_soonest_first()
    {
        var later = await Book.BookAsync(Anna, Draft("Later", daysAhead: 5));
        var sooner = await Book.BookAsync(Anna, Draft("Sooner", daysAhead: 2));
        await Book.BookAsync(Bo, Draft("Bo's", daysAhead: 1));

        var list = await Book.ListAsync(Anna);

        Assert.That(list.Select(m => m.Id), Is.EqualTo(new[] { sooner.Value!.Id, later.Value!.Id }));
    }
}
