using System.Globalization;
using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Classification;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Host.Signalling;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;
using static Appliance.Host.Tests.Policy.PolicySteps;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Policy;

/// <summary>
/// Every enforcement point on the real host with the basic preset: booking, inviting, the guest pages, the signalling
/// hello and the in-meeting actions. Each test has its own appliance, since tightening the policy is for good.
/// </summary>
public sealed class PolicyEnforcementTests : PolicyRoomTestBase
{
    [Test]
    public async Task Booking_longer_than_the_level_allows_is_refused_by_api_and_page_with_the_reason_and_audited()
    {
        using var api = StaffSession.ApiClient(Appliance, await Host.CreateApiTokenAsync());
        var start = MeetingPages.Tomorrow();
        var request = new { title = "Long case review", startsAt = start, endsAt = start.AddHours(5), classification = "confidential" };

        var answer = await ApiCalls.PostAsync(api, "/api/v1/meetings", request);
        var page = await Forms.SubmitAsync(Host.Client, "/meetings/new", MeetingPages.BookingFields("Long case review", start, start.AddHours(5), "confidential"));
        var denial = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Denied && e.Details["rule"] == PolicyRules.BookedTooLong.Id);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Forbidden), answer.Body);
            Assert.That(answer.Root.GetProperty("rule").GetString(), Is.EqualTo(PolicyRules.BookedTooLong.Id));
            Assert.That(answer.Root.GetProperty("detail").GetString(), Does.Contain("Confidential"));
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(string.Join(" ", Forms.ErrorSummary(page.Body)), Does.Contain("Confidential"));
            Assert.That(denial, Is.Not.Null);
            Assert.That(denial!.Outcome, Is.EqualTo(AuditOutcome.Denied));
            Assert.That(denial.Details["policyAction"], Is.EqualTo(nameof(PolicyAction.Book)));
        });
    }

    [Test]
    public async Task Booked_meeting_keeps_the_policy_version_it_was_booked_under()
    {
        var first = await MeetingPages.BookAsync(Host, "Before the change", "internal");
        await TightenAsync(Appliance, "internal", c => c with { MaxParticipants = 40 });
        var second = await MeetingPages.BookAsync(Host, "After the change", "internal");

        var meetings = Appliance.Service<IMeetingStore>();
        Assert.Multiple(async () =>
        {
            Assert.That((await meetings.FindAsync(first))!.PolicyVersion, Is.EqualTo(1));
            Assert.That((await meetings.FindAsync(second))!.PolicyVersion, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Invitation_to_a_link_and_pin_level_needs_a_pin()
    {
        var meetingId = await MeetingPages.BookAsync(Host, "Family law hearing", "confidential");

        var without = await MeetingPages.SubmitInvitationAsync(Host, meetingId, "Bo Hansen");
        var with = await MeetingPages.SubmitInvitationAsync(Host, meetingId, "Bo Hansen", pin: "482913");

        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(without.Body, "invitation-link"), Is.Null);
            Assert.That(string.Join(" ", Forms.ErrorSummary(without.Body)), Does.Contain("requires a PIN"));
            Assert.That(Forms.ValueOf(with.Body, "invitation-link"), Is.Not.Null);
        });
    }

    [Test]
    public async Task Level_without_guests_refuses_invitations_and_shows_existing_links_the_reason()
    {
        var meetingId = await BookNowAsync(Host, "Internal only");
        var earlier = await MeetingPages.InviteAsync(Host, meetingId, "Eva Berg");
        await TightenAsync(Appliance, "internal", c => c with { Guests = GuestAccess.None });

        var invite = await MeetingPages.SubmitInvitationAsync(Host, meetingId, "Bo Hansen");
        using var browser = Appliance.CreateClient();
        var waiting = await Forms.GetAsync(browser, earlier.Path);
        var room = await Forms.GetAsync(browser, earlier.Path + "/room");

        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(invite.Body, "invitation-link"), Is.Null);
            Assert.That(string.Join(" ", Forms.ErrorSummary(invite.Body)), Does.Contain("Internal"));
            Assert.That(waiting.Body, Does.Contain("id=\"policy-refusal\""));
            Assert.That(waiting.Body, Does.Not.Contain("id=\"join-room\""));
            Assert.That(room.Body, Does.Not.Contain("data-ticket"));
        });
    }

    [Test]
    public async Task Guest_from_a_network_the_level_does_not_allow_is_refused_on_the_page_and_at_the_hello()
    {
        var meetingId = await BookNowAsync(Host, "Agency network only");
        var invitation = await MeetingPages.InviteAsync(Host, meetingId, "Bo Hansen");
        var ticket = await GuestTicketAsync(Appliance, invitation);
        await TightenAsync(Appliance, "internal", c => c with { AllowedNetworks = ClientNetworks.Parse("10.0.0.0/8") });

        using var browser = Appliance.CreateClient();
        var waiting = await Forms.GetAsync(browser, invitation.Path);
        var socket = Track(await TestSocket.ConnectAsync(Appliance));
        await socket.SendAsync("hello", new { ticket });
        var error = await socket.NextAsync();
        var closed = await socket.ClosedAsync();

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Body, Does.Contain("127.0.0.1"));
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("VPN"));
            Assert.That(closed, Is.Not.Null);
        });
    }

    [Test]
    public async Task Staff_ticket_of_a_password_only_session_cannot_enter_a_level_that_needs_mfa()
    {
        var start = TimeProvider.System.GetUtcNow();
        var page = await Forms.SubmitAsync(Host.Client, "/meetings/new", MeetingPages.BookingFields("Case conference", new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero), start.AddHours(1), "confidential"));
        var meetingId = page.Location!["/meetings/".Length..];
        var organiser = (await Appliance.Service<IMeetingStore>().FindAsync(meetingId))!.OrganiserId;
        var tickets = Appliance.Service<JoinTickets>();

        var weak = Track(await TestSocket.ConnectAsync(Appliance));
        // Both can encrypt (confidential requires it), so what decides is the strength of the sign-in.
        var publicKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await weak.SendAsync("hello", new { ticket = tickets.IssueForStaff(meetingId, organiser, AuthenticationLevel.Password), e2eePublicKey = publicKey });
        var refused = await weak.NextAsync();
        var strong = await EnterAsync(Appliance, await StaffTicketAsync(Host, meetingId), publicKey);
        Track(strong);

        Assert.Multiple(() =>
        {
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(refused.GetProperty("message").GetString(), Does.Contain("multi-factor"));
            Assert.That(strong.State, Is.EqualTo("admitted"));
        });
    }

    [Test]
    public async Task Screen_share_and_chat_are_refused_with_the_reason_when_the_level_does_not_allow_them()
    {
        await TightenAsync(Appliance, "internal", c => c with { ScreenShareAllowed = false, ChatAllowed = false });
        var meetingId = await BookNowAsync(Host, "No sharing");
        var host = Track(await HostEntersAsync(Host, meetingId));

        await host.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = true });
        var share = await host.Socket.ExpectAsync("error");
        await host.Socket.SendAsync("chat", new { text = "hello" });
        var chat = await host.Socket.ExpectAsync("error");
        await host.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = false });
        var camera = await host.Socket.ExpectRosterAsync();

        Assert.Multiple(() =>
        {
            Assert.That(share.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(share.GetProperty("about").GetString(), Is.EqualTo("media-state"));
            Assert.That(share.GetProperty("message").GetString(), Does.Contain("Internal"));
            Assert.That(chat.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(RoomSteps.InRoster(camera, host.Id).GetProperty("videoMuted").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task Guests_of_a_level_with_direct_entry_skip_the_lobby_and_staff_wait_when_everyone_must()
    {
        var meetingId = await BookNowAtAsync("open", "Open consultation");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var invitation = await MeetingPages.InviteAsync(Host, meetingId, "Bo Hansen");
        var direct = await EnterAsync(Appliance, await GuestTicketAsync(Appliance, invitation));
        Track(direct);
        await TightenAsync(Appliance, "open", c => c with { LobbyRequired = true });
        var later = await EnterAsync(Appliance, await GuestTicketAsync(Appliance, await MeetingPages.InviteAsync(Host, meetingId, "Eva Berg")));
        Track(later);
        var admitted = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Admitted && e.Details.TryGetValue("via", out var via) && via == "policy-direct");

        Assert.Multiple(() =>
        {
            Assert.That(host.State, Is.EqualTo("admitted"));
            Assert.That(direct.State, Is.EqualTo("admitted"));
            Assert.That(later.State, Is.EqualTo("lobby"));
            Assert.That(admitted, Is.Not.Null);
        });
    }

    [Test]
    public async Task Participant_limit_refuses_the_next_guest_at_the_hello()
    {
        await TightenAsync(Appliance, "internal", c => c with { MaxParticipants = 2 });
        var meetingId = await BookNowAsync(Host, "Small meeting");
        Track(await HostEntersAsync(Host, meetingId));
        var (first, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(first);
        var ticket = await GuestTicketAsync(Appliance, await MeetingPages.InviteAsync(Host, meetingId, "Eva Berg"));

        var socket = Track(await TestSocket.ConnectAsync(Appliance));
        await socket.SendAsync("hello", new { ticket });
        var refused = await socket.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(refused.GetProperty("message").GetString(), Does.Contain("2"));
        });
    }

    private async Task<string> BookNowAtAsync(string level, string title)
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var page = await Forms.SubmitAsync(Host.Client, "/meetings/new", MeetingPages.BookingFields(title, start, start.AddHours(1), level));
        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.Redirect), string.Join("; ", Forms.ErrorSummary(page.Body)));
        return page.Location!["/meetings/".Length..];
    }
}
