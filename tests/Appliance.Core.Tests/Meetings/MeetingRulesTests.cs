using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Core.Validation;

namespace Appliance.Core.Tests.Meetings;

/// <summary>The booking rules, table-driven through <see cref="MeetingBook"/> over the real store.</summary>
public class MeetingRulesTests : DatabaseTest
{
    private static readonly StaffActor Organiser = new("organiseraaaaaaaaaaaaaaaaa", "Anna Jensen", StaffRoles.Organiser);

    private static DateTimeOffset Now => FakeTimeProvider.DefaultStart;

    private MeetingBook Book => new(Database.Meetings, ClassificationCatalog.Basic, Time);

    private static MeetingDraft ValidDraft() => new(
        "Samtale om bolig",
        Now.AddDays(1),
        Now.AddDays(1).AddHours(1),
        "1. Velkommen\n2. Sagen",
        "internal",
        [new ParticipantDraft("Bo Hansen", "Citizen", "bo@example.dk"), new ParticipantDraft("Tolk", "interpreter", null)]);

    private static IEnumerable<TestCaseData> InvalidDrafts()
    {
        TestCaseData Case(string name, MeetingDraft draft, string field, string message) =>
            new TestCaseData(draft, field, message).SetName("Booking_is_refused_with_" + name);

        var valid = ValidDraft();
        yield return Case("a_missing_title", valid with { Title = null }, "title", Messages.Required);
        yield return Case("a_blank_title", valid with { Title = "   " }, "title", Messages.Required);
        yield return Case("a_too_long_title", valid with { Title = new string('x', MeetingRules.MaxTitleLength + 1) }, "title", Messages.TooLong);
        yield return Case("a_bidi_override_in_the_title", valid with { Title = "Invoice \u202Egpj.exe" }, "title", Messages.InvalidCharacters);
        yield return Case("a_bidi_isolate_in_the_title", valid with { Title = "Invoice \u2066x\u2069" }, "title", Messages.InvalidCharacters);
        yield return Case("a_line_break_in_the_title", valid with { Title = "one\ntwo" }, "title", Messages.InvalidCharacters);
        yield return Case("a_too_long_agenda", valid with { Agenda = new string('x', MeetingRules.MaxAgendaLength + 1) }, "agenda", Messages.TooLong);
        yield return Case("a_control_character_in_the_agenda", valid with { Agenda = "a\u0007b" }, "agenda", Messages.InvalidCharacters);
        yield return Case("a_missing_start", valid with { StartsAt = null }, "startsAt", Messages.Required);
        yield return Case("a_missing_end", valid with { EndsAt = null }, "endsAt", Messages.Required);
        yield return Case("the_end_before_the_start", valid with { EndsAt = valid.StartsAt!.Value.AddMinutes(-1) }, "endsAt", Messages.EndBeforeStart);
        yield return Case("the_end_equal_to_the_start", valid with { EndsAt = valid.StartsAt }, "endsAt", Messages.EndBeforeStart);
        yield return Case("a_duration_over_12_hours", valid with { EndsAt = valid.StartsAt!.Value + MeetingRules.MaxDuration + TimeSpan.FromMinutes(1) }, "endsAt", Messages.DurationTooLong);
        yield return Case("a_meeting_that_has_already_ended", valid with { StartsAt = Now.AddHours(-2), EndsAt = Now.AddHours(-1) }, "endsAt", Messages.InPast);
        yield return Case("a_meeting_that_ends_right_now", valid with { StartsAt = Now.AddHours(-1), EndsAt = Now }, "endsAt", Messages.InPast);
        yield return Case("a_start_too_far_ahead", valid with { StartsAt = Now + MeetingRules.MaxBookingHorizon + TimeSpan.FromMinutes(1), EndsAt = Now + MeetingRules.MaxBookingHorizon + TimeSpan.FromHours(1) }, "startsAt", Messages.TooFarAhead);
        yield return Case("a_missing_classification", valid with { ClassificationId = " " }, "classification", Messages.Required);
        yield return Case("an_unknown_classification", valid with { ClassificationId = "top-secret" }, "classification", Messages.UnknownClassification);
        yield return Case("a_classification_in_the_wrong_case", valid with { ClassificationId = "Internal" }, "classification", Messages.UnknownClassification);
        yield return Case("too_many_participants", valid with { Participants = Enumerable.Range(0, MeetingRules.MaxParticipants + 1).Select(i => new ParticipantDraft($"Person {i}", "Other", null)).ToList() }, "participants", Messages.TooMany);
        yield return Case("a_participant_without_a_name", valid with { Participants = [new ParticipantDraft(" ", "Citizen", null)] }, "participants[0].name", Messages.Required);
        yield return Case("a_null_participant", valid with { Participants = [null!] }, "participants[0].name", Messages.Required);
        yield return Case("an_unknown_participant_role", valid with { Participants = [new ParticipantDraft("Bo", "Judge", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("a_numeric_participant_role", valid with { Participants = [new ParticipantDraft("Bo", "3", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("a_numeric_participant_role_with_spaces", valid with { Participants = [new ParticipantDraft("Bo", " 1 ", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("a_negative_numeric_participant_role", valid with { Participants = [new ParticipantDraft("Bo", "-1", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("comma_joined_participant_roles", valid with { Participants = [new ParticipantDraft("Bo", "Citizen,Interpreter", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("comma_joined_participant_roles_with_a_space", valid with { Participants = [new ParticipantDraft("Bo", "Staff, Citizen", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("an_out_of_range_numeric_participant_role", valid with { Participants = [new ParticipantDraft("Bo", "42", null)] }, "participants[0].role", Messages.InvalidRole);
        yield return Case("a_bad_participant_email", valid with { Participants = [new ParticipantDraft("Bo", "Citizen", "bo.example.dk")] }, "participants[0].email", Messages.InvalidEmail);
        yield return Case("an_error_on_the_second_participant", valid with { Participants = [new ParticipantDraft("Bo", "Citizen", null), new ParticipantDraft("Eva", "Relative", "eva@")] }, "participants[1].email", Messages.InvalidEmail);
    }

    [TestCaseSource(nameof(InvalidDrafts))]
    public async Task Booking_is_refused_with_an_invalid_draft(MeetingDraft draft, string field, string message)
    {
        var outcome = await Book.BookAsync(Organiser, draft);

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Invalid));
        var errors = outcome.Errors!.ToDictionary();
        Assert.That(errors, Does.ContainKey(field));
        Assert.That(errors[field], Does.Contain(message));
        Assert.That(await Database.Meetings.CountAsync(), Is.Zero, "nothing may be stored");
    }

    [Test]
    public async Task Booking_reports_every_bad_field_at_once()
    {
        var outcome = await Book.BookAsync(Organiser, new MeetingDraft(null, null, null, null, null, null));

        Assert.That(outcome.Errors!.ToDictionary().Keys, Is.EquivalentTo(new[] { "title", "startsAt", "endsAt", "classification" }));
    }

    private static IEnumerable<TestCaseData> AcceptedEdges()
    {
        var valid = ValidDraft();
        yield return new TestCaseData(valid with { EndsAt = valid.StartsAt!.Value + MeetingRules.MaxDuration }).SetName("A_meeting_of_exactly_12_hours_is_accepted");
        yield return new TestCaseData(valid with { StartsAt = Now.AddMinutes(-30), EndsAt = Now.AddMinutes(30) }).SetName("A_meeting_already_in_progress_is_accepted");
        yield return new TestCaseData(valid with { StartsAt = Now + MeetingRules.MaxBookingHorizon, EndsAt = Now + MeetingRules.MaxBookingHorizon + TimeSpan.FromHours(1) }).SetName("A_meeting_starting_exactly_at_the_horizon_is_accepted");
        yield return new TestCaseData(valid with { Participants = Enumerable.Range(0, MeetingRules.MaxParticipants).Select(i => new ParticipantDraft($"Person {i}", null, null)).ToList() }).SetName("A_meeting_with_exactly_100_participants_is_accepted");
        yield return new TestCaseData(valid with { Participants = null, Agenda = null }).SetName("A_meeting_without_participants_or_agenda_is_accepted");
        yield return new TestCaseData(valid with { Title = new string('x', MeetingRules.MaxTitleLength) }).SetName("A_title_of_exactly_200_characters_is_accepted");
        yield return new TestCaseData(valid with { Title = "Familie \U0001F468\u200D\U0001F469\u200D\U0001F467 møde" }).SetName("A_title_with_an_emoji_joined_by_ZWJ_is_accepted");
    }

    [TestCaseSource(nameof(AcceptedEdges))]
    public async Task Booking_accepts_a_draft_on_the_edge_of_the_rules(MeetingDraft draft)
    {
        var outcome = await Book.BookAsync(Organiser, draft);

        Assert.That(outcome.Errors?.ToDictionary(), Is.Null, "no validation errors expected");
        Assert.That(outcome.Succeeded, Is.True);
    }

    [TestCase("staff", ParticipantRole.Staff)]
    [TestCase("Citizen", ParticipantRole.Citizen)]
    [TestCase(" INTERPRETER ", ParticipantRole.Interpreter)]
    [TestCase("supporter", ParticipantRole.Supporter)]
    [TestCase("Relative", ParticipantRole.Relative)]
    [TestCase(null, ParticipantRole.Other)]
    [TestCase("", ParticipantRole.Other)]
    public async Task Participant_roles_are_read_by_name_case_insensitively(string? role, ParticipantRole expected)
    {
        var outcome = await Book.BookAsync(Organiser, ValidDraft() with { Participants = [new ParticipantDraft("Bo", role, null)] });

        Assert.That(outcome.Value!.Participants.Single().Role, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_valid_booking_stores_cleaned_values_in_UTC()
    {
        var copenhagenSummer = TimeSpan.FromHours(2);
        var starts = new DateTimeOffset(2026, 6, 15, 10, 0, 0, copenhagenSummer);
        var draft = new MeetingDraft(
            "  Mo\u0308de om A\u030Asas sag  ",
            starts,
            starts.AddMinutes(45),
            "  Punkt 1\r\nPunkt 2  ",
            " confidential ",
            [new ParticipantDraft("  Bo Hansen ", " citizen ", "  bo@example.dk ")]);

        var outcome = await Book.BookAsync(Organiser, draft);
        Assert.That(outcome.Succeeded, Is.True);

        var stored = await Database.Meetings.FindAsync(outcome.Value!.Id);
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Title, Is.EqualTo("M\u00F6de om \u00C5sas sag"));
        Assert.That(stored.Agenda, Is.EqualTo("Punkt 1\nPunkt 2"));
        Assert.That(stored.ClassificationId, Is.EqualTo("confidential"));
        Assert.That(stored.StartsAt, Is.EqualTo(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(stored.StartsAt.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(stored.EndsAt, Is.EqualTo(new DateTimeOffset(2026, 6, 15, 8, 45, 0, TimeSpan.Zero)));
        Assert.That(stored.EndsAt.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(stored.Participants, Is.EqualTo(new[] { new MeetingParticipant("Bo Hansen", ParticipantRole.Citizen, "bo@example.dk") }));
        Assert.That(stored.OrganiserId, Is.EqualTo(Organiser.UserId));
        Assert.That(stored.OrganiserName, Is.EqualTo(Organiser.DisplayName));
        Assert.That(stored.Status, Is.EqualTo(MeetingStatus.Scheduled));
        Assert.That(stored.CreatedAt, Is.EqualTo(Now));
        Assert.That(Ids.LooksValid(stored.Id), Is.True);
    }
}
