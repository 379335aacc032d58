using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Validation;
using Appliance.Crypto;

namespace Appliance.Core.Tests.Invitations;

public class GuestInvitationsTests : DatabaseTest
{
    private static readonly StaffActor Anna = new("annaaaaaaaaaaaaaaaaaaaaaaa", "Anna Jensen", StaffRoles.Organiser);
    private static readonly StaffActor Bo = new("boaaaaaaaaaaaaaaaaaaaaaaaa", "Bo Hansen", StaffRoles.Organiser);

    private MeetingBook Book => new(Database.Meetings, ClassificationCatalog.Basic, Time);

    private GuestInvitations Guests => new(Database.Invitations, Database.Meetings, Book, Time);

    private async Task<Meeting> BookAsync(StaffActor? organiser = null)
    {
        var now = Time.GetUtcNow();
        var outcome = await Book.BookAsync(organiser ?? Anna, new MeetingDraft("Samtale", now.AddDays(1), now.AddDays(1).AddHours(1), null, "internal", null));
        Assert.That(outcome.Succeeded, Is.True);
        return outcome.Value!;
    }

    private async Task<(Invitation Invitation, string Token)> InviteAsync(Meeting meeting, string? pin = null, DateTimeOffset? expiresAt = null)
    {
        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo Hansen", expiresAt, pin);
        Assert.That(outcome.Errors?.ToDictionary(), Is.Null);
        Assert.That(outcome.Succeeded, Is.True);
        return outcome.Value;
    }

    [Test]
    public async Task The_token_opens_its_meeting()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting);

        var access = await Guests.RedeemAsync(token, null);

        Assert.That(access.Status, Is.EqualTo(GuestAccessStatus.Granted));
        Assert.That(access.Invitation!.Id, Is.EqualTo(invitation.Id));
        Assert.That(access.Meeting!.Id, Is.EqualTo(meeting.Id));
    }

    [Test]
    public async Task The_stored_invitation_holds_only_the_hash_of_the_token()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting, pin: "4711");

        var stored = await Database.Invitations.FindAsync(invitation.Id);

        Assert.That(SecretToken.LooksValid(token), Is.True);
        Assert.That(stored!.TokenHash, Is.EqualTo(SecretToken.Hash(token)));
        Assert.That(stored.TokenHash, Does.Not.Contain(token));
        Assert.That(stored.PinHash, Is.Not.Null.And.Not.Contain("4711"));
        Assert.That(PasswordHasher.Verify("4711", stored.PinHash!), Is.True);
    }

    [Test]
    public async Task A_wrong_token_is_Invalid()
    {
        var meeting = await BookAsync();
        await InviteAsync(meeting);

        Assert.That(await Guests.RedeemAsync(SecretToken.Generate(), null), Is.EqualTo(GuestAccess.Invalid));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("short")]
    [TestCase("this token has spaces and is exactly 43 ch")]
    public async Task A_malformed_token_is_Invalid(string? token)
    {
        var meeting = await BookAsync();
        await InviteAsync(meeting);

        Assert.That(await Guests.RedeemAsync(token, null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task A_good_token_with_an_extra_character_is_Invalid()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting);

        Assert.That(await Guests.RedeemAsync(token + "A", null), Is.EqualTo(GuestAccess.Invalid));
        Assert.That(await Guests.RedeemAsync(token[..^1], null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task An_expired_invitation_is_Invalid()
    {
        var meeting = await BookAsync();
        var expiry = Time.GetUtcNow().AddHours(2);
        var (_, token) = await InviteAsync(meeting, expiresAt: expiry);

        Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.That((await Guests.RedeemAsync(token, null)).Status, Is.EqualTo(GuestAccessStatus.Granted));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Guests.RedeemAsync(token, null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task A_revoked_invitation_is_Invalid()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting);

        var revoked = await Guests.RevokeAsync(Anna, meeting.Id, invitation.Id);

        Assert.That(revoked.Succeeded, Is.True);
        Assert.That(await Guests.RedeemAsync(token, null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task Revoking_twice_answers_Conflict()
    {
        var meeting = await BookAsync();
        var (invitation, _) = await InviteAsync(meeting);
        await Guests.RevokeAsync(Anna, meeting.Id, invitation.Id);

        var again = await Guests.RevokeAsync(Anna, meeting.Id, invitation.Id);

        Assert.That(again.Failure, Is.EqualTo(FailureKind.Conflict));
    }

    [Test]
    public async Task Another_organiser_cannot_revoke_or_list_an_invitation()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting);

        var revoke = await Guests.RevokeAsync(Bo, meeting.Id, invitation.Id);
        var list = await Guests.ListAsync(Bo, meeting.Id);

        Assert.That(revoke.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That(list.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That((await Guests.RedeemAsync(token, null)).Status, Is.EqualTo(GuestAccessStatus.Granted));
    }

    [Test]
    public async Task An_invitation_cannot_be_revoked_through_another_meeting()
    {
        var meeting = await BookAsync();
        var other = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting);

        var revoke = await Guests.RevokeAsync(Anna, other.Id, invitation.Id);

        Assert.That(revoke.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That((await Guests.RedeemAsync(token, null)).Status, Is.EqualTo(GuestAccessStatus.Granted));
    }

    [Test]
    public async Task An_invitation_to_a_cancelled_meeting_is_Invalid()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting);

        await Book.CancelAsync(Anna, meeting.Id);

        Assert.That(await Guests.RedeemAsync(token, null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task Inviting_to_a_cancelled_meeting_answers_Conflict()
    {
        var meeting = await BookAsync();
        await Book.CancelAsync(Anna, meeting.Id);

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", null, null);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Conflict));
        Assert.That(outcome.Message, Is.EqualTo(Messages.MeetingCancelled));
    }

    [Test]
    public async Task Inviting_to_another_organisers_meeting_answers_NotFound()
    {
        var meeting = await BookAsync(Bo);

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Eva", null, null);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.NotFound));
    }

    [Test]
    public async Task With_a_PIN_a_missing_PIN_answers_PinRequired()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting, pin: "4711");

        var access = await Guests.RedeemAsync(token, null);

        Assert.That(access.Status, Is.EqualTo(GuestAccessStatus.PinRequired));
        Assert.That(access.Meeting, Is.Null, "the meeting is not shown before the PIN");
    }

    [TestCase("0000")]
    [TestCase("47111")]
    [TestCase("abcd")]
    public async Task With_a_PIN_a_wrong_PIN_answers_PinRequired(string wrong)
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting, pin: "4711");

        var access = await Guests.RedeemAsync(token, wrong);

        Assert.That(access.Status, Is.EqualTo(GuestAccessStatus.PinRequired));
        Assert.That(access.Meeting, Is.Null);
    }

    [Test]
    public async Task With_a_PIN_the_right_PIN_is_Granted()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting, pin: " 4711 ");

        var access = await Guests.RedeemAsync(token, " 4711 ");

        Assert.That(access.Status, Is.EqualTo(GuestAccessStatus.Granted));
        Assert.That(access.Meeting!.Id, Is.EqualTo(meeting.Id));
    }

    [Test]
    public async Task Five_wrong_PINs_lock_the_invitation_even_for_the_right_PIN()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting, pin: "4711");

        for (var i = 1; i < InvitationRules.MaxPinAttempts; i++)
        {
            Assert.That((await Guests.RedeemAsync(token, "0000")).Status, Is.EqualTo(GuestAccessStatus.PinRequired), $"attempt {i}");
        }

        Assert.That(await Guests.RedeemAsync(token, "0000"), Is.EqualTo(GuestAccess.Invalid), "the fifth wrong PIN locks");
        Assert.That(await Guests.RedeemAsync(token, "4711"), Is.EqualTo(GuestAccess.Invalid));
        Assert.That(await Guests.RedeemAsync(token, null), Is.EqualTo(GuestAccess.Invalid));
    }

    [Test]
    public async Task Four_wrong_PINs_still_let_the_right_PIN_in()
    {
        var meeting = await BookAsync();
        var (_, token) = await InviteAsync(meeting, pin: "4711");

        for (var i = 1; i < InvitationRules.MaxPinAttempts; i++)
        {
            await Guests.RedeemAsync(token, "0000");
        }

        Assert.That((await Guests.RedeemAsync(token, "4711")).Status, Is.EqualTo(GuestAccessStatus.Granted));
    }

    [TestCase("123")]
    [TestCase("12345678901")]
    [TestCase("12a4")]
    [TestCase("12 34")]
    [TestCase("١٢٣٤")]
    public async Task Inviting_with_a_badly_formed_PIN_is_a_validation_error(string pin)
    {
        var meeting = await BookAsync();

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", null, pin);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Invalid));
        Assert.That(outcome.Errors!.ToDictionary()["pin"], Is.EqualTo(new[] { Messages.InvalidPin }));
        Assert.That(await Database.Invitations.ListByMeetingAsync(meeting.Id), Is.Empty);
    }

    [TestCase("1234")]
    [TestCase("1234567890")]
    public async Task PINs_of_four_to_ten_digits_are_accepted(string pin)
    {
        var meeting = await BookAsync();

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", null, pin);

        Assert.That(outcome.Succeeded, Is.True);
    }

    [Test]
    public async Task Inviting_without_a_guest_name_is_a_validation_error()
    {
        var meeting = await BookAsync();

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "  ", null, null);

        Assert.That(outcome.Errors!.ToDictionary()["guestName"], Is.EqualTo(new[] { Messages.Required }));
    }

    [Test]
    public async Task The_default_expiry_is_one_hour_after_the_meeting_ends()
    {
        var meeting = await BookAsync();

        var (invitation, _) = await InviteAsync(meeting);

        Assert.That(invitation.ExpiresAt, Is.EqualTo(meeting.EndsAt + TimeSpan.FromHours(1)));
        Assert.That((await Database.Invitations.FindAsync(invitation.Id))!.ExpiresAt, Is.EqualTo(meeting.EndsAt + TimeSpan.FromHours(1)));
    }

    [Test]
    public async Task An_expiry_of_exactly_seven_days_after_the_meeting_is_accepted()
    {
        var meeting = await BookAsync();

        var (invitation, _) = await InviteAsync(meeting, expiresAt: meeting.EndsAt + TimeSpan.FromDays(7));

        Assert.That(invitation.ExpiresAt, Is.EqualTo(meeting.EndsAt + TimeSpan.FromDays(7)));
    }

    [Test]
    public async Task An_expiry_beyond_seven_days_after_the_meeting_is_refused()
    {
        var meeting = await BookAsync();

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", meeting.EndsAt + TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), null);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Invalid));
        Assert.That(outcome.Errors!.ToDictionary()["expiresAt"], Is.EqualTo(new[] { Messages.InvalidExpiry }));
    }

    [Test]
    public async Task An_expiry_in_the_past_is_refused()
    {
        var meeting = await BookAsync();

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", Time.GetUtcNow(), null);

        Assert.That(outcome.Errors!.ToDictionary()["expiresAt"], Is.EqualTo(new[] { Messages.InvalidExpiry }));
    }

    [Test]
    public async Task An_expiry_with_an_offset_is_stored_in_UTC()
    {
        var meeting = await BookAsync();
        var expiry = meeting.EndsAt.ToOffset(TimeSpan.FromHours(2)).AddHours(3);

        var (invitation, _) = await InviteAsync(meeting, expiresAt: expiry);

        Assert.That(invitation.ExpiresAt, Is.EqualTo(expiry));
        Assert.That(invitation.ExpiresAt.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Inviting_to_a_meeting_that_has_ended_answers_Conflict()
    {
        var meeting = await BookAsync();
        Time.Advance(meeting.EndsAt - Time.GetUtcNow());

        var outcome = await Guests.InviteAsync(Anna, meeting.Id, "Bo", null, null);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Conflict));
        Assert.That(outcome.Message, Is.EqualTo(Messages.MeetingEnded));
    }

    [Test]
    public async Task A_right_PIN_starts_the_count_of_wrong_PINs_again()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting, pin: "4711");

        for (var round = 0; round < 3; round++)
        {
            await Guests.RedeemAsync(token, "0000");
            await Guests.RedeemAsync(token, "0000");
            Assert.That((await Guests.RedeemAsync(token, "4711")).Status, Is.EqualTo(GuestAccessStatus.Granted), $"round {round}");
        }

        Assert.That((await Database.Invitations.FindAsync(invitation.Id))!.FailedPinAttempts, Is.Zero);
    }

    [Test]
    public async Task Parallel_PIN_guesses_are_checked_at_most_five_times()
    {
        var meeting = await BookAsync();
        var (invitation, token) = await InviteAsync(meeting, pin: "4711");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Guests.RedeemAsync(token, $"{1000 + i}"))));

        Assert.That(results.Count(r => r.Status == GuestAccessStatus.PinRequired), Is.EqualTo(InvitationRules.MaxPinAttempts - 1));
        Assert.That(await Guests.RedeemAsync(token, "4711"), Is.EqualTo(GuestAccess.Invalid));
        Assert.That((await Database.Invitations.FindAsync(invitation.Id))!.FailedPinAttempts, Is.GreaterThanOrEqualTo(InvitationRules.MaxPinAttempts));
    }
}
