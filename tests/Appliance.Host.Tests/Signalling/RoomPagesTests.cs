using System.Net;
using System.Text.RegularExpressions;
using Appliance.Core.Identity;
using Appliance.Host.Tests.Infrastructure;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>The pages that lead into the meeting room and carry its join ticket.</summary>
public sealed class RoomPagesTests : ApplianceFixture
{
    private string _meetingNow = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _meetingNow = await BookNowAsync(Admin, "Room pages");
    }

    [Test]
    public async Task Organiser_room_page_carries_a_ticket_and_loads_the_meeting_script_without_inline_code()
    {
        var page = await Forms.GetAsync(Admin.Client, $"/meetings/{_meetingNow}/room");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ValueOf(page.Body, "room", "data-ticket"), Is.Not.Null.And.Length.GreaterThan(40));
            Assert.That(Forms.ValueOf(page.Body, "room", "data-socket"), Is.EqualTo("/ws"));
            Assert.That(Forms.ValueOf(page.Body, "room", "data-texts"), Does.Match("^/js/texts\\.json\\?lang=en&v=[0-9a-f]{12}$"));
            Assert.That(page.Body, Does.Match("<script type=\"module\" src=\"/js/meeting.js(\\?v=[^\"]+)?\"></script>"));
            Assert.That(Regex.IsMatch(page.Body, "<script(?![^>]*\\bsrc=)[^>]*>"), Is.False, "no inline script");
            Assert.That(page.Body, Does.Not.Contain("style="), "no inline style");
            Assert.That(page.Body, Does.Contain("marking-internal"));
            Assert.That(page.Response.Headers.CacheControl?.NoStore, Is.True, "the ticket is not cached");
        });
    }

    [Test]
    public async Task Meeting_page_links_to_its_room()
    {
        var page = await Forms.GetAsync(Admin.Client, "/meetings/" + _meetingNow);

        Assert.That(Forms.ValueOf(page.Body, "open-room", "href"), Is.EqualTo($"/meetings/{_meetingNow}/room"));
    }

    [Test]
    public async Task Another_organiser_cannot_open_the_room_page()
    {
        using var other = await Admin.CreateUserAsync("other-organiser", "Olga Other", RoleNames.Organiser);

        var page = await Forms.GetAsync(other.Client, $"/meetings/{_meetingNow}/room");

        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(page.Body, Does.Not.Contain("data-ticket"));
    }

    [Test]
    public async Task Room_page_needs_a_signed_in_organiser()
    {
        using var anonymous = Appliance.CreateClient();

        var page = await Forms.GetAsync(anonymous, $"/meetings/{_meetingNow}/room");

        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Location, Does.Contain("/signin?returnUrl="));
    }

    [Test]
    public async Task Waiting_page_offers_to_join_once_the_room_is_open()
    {
        var invitation = await MeetingPages.InviteAsync(Admin, _meetingNow, "Gina Guest");
        using var guest = Appliance.CreateClient();

        var waiting = await Forms.GetAsync(guest, invitation.Path);
        var room = await Forms.GetAsync(guest, invitation.Path + "/room");

        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(waiting.Body, "join-room", "href"), Is.EqualTo(invitation.Path + "/room"));
            Assert.That(room.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ValueOf(room.Body, "room", "data-ticket"), Is.Not.Null);
            Assert.That(room.Body, Does.Contain("<h1>Room pages</h1>"));
        });
    }

    [Test]
    public async Task Waiting_page_says_when_the_room_opens_for_a_meeting_tomorrow()
    {
        var tomorrow = await MeetingPages.BookAsync(Admin, "Tomorrow's meeting");
        var invitation = await MeetingPages.InviteAsync(Admin, tomorrow, "Gina Guest");
        using var guest = Appliance.CreateClient();

        var waiting = await Forms.GetAsync(guest, invitation.Path);
        var room = await Forms.GetAsync(guest, invitation.Path + "/room");

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Body, Does.Not.Contain("id=\"join-room\""));
            Assert.That(MeetingPages.VisibleText(waiting.Body), Does.Contain("You can join from"));
            Assert.That(room.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(room.Body, Does.Not.Contain("data-ticket"));
            Assert.That(MeetingPages.VisibleText(room.Body), Does.Contain("The meeting room opens at"));
        });
    }

    [Test]
    public async Task Organiser_can_open_the_room_of_a_meeting_tomorrow()
    {
        var tomorrow = await MeetingPages.BookAsync(Admin, "Prepare early");

        var page = await Forms.GetAsync(Admin.Client, $"/meetings/{tomorrow}/room");

        Assert.That(Forms.ValueOf(page.Body, "room", "data-ticket"), Is.Not.Null);
    }

    [Test]
    public async Task Room_page_of_a_bad_link_leads_to_the_waiting_page_answer()
    {
        using var guest = Appliance.CreateClient();
        var token = global::Appliance.Crypto.SecretToken.Generate();

        var room = await Forms.GetAsync(guest, $"/j/{token}/room");
        var waiting = await Forms.GetAsync(guest, room.Location!);

        Assert.That(room.Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(room.Location, Is.EqualTo("/j/" + token));
        Assert.That(waiting.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(room.Body, Does.Not.Contain("data-ticket"));
    }

    [Test]
    public async Task Room_page_asks_for_the_PIN_first()
    {
        var invitation = await MeetingPages.InviteAsync(Admin, _meetingNow, "Pia Pin", pin: "482915");
        var cookies = new CookieContainer();
        using var guest = Appliance.CreateClient(cookies);

        var before = await Forms.GetAsync(guest, invitation.Path + "/room");
        await Forms.SubmitAsync(guest, invitation.Path, Forms.Fields(("pin", "482915")));
        var after = await Forms.GetAsync(guest, invitation.Path + "/room");

        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(before.Location, Is.EqualTo(invitation.Path));
            Assert.That(Forms.ValueOf(after.Body, "room", "data-ticket"), Is.Not.Null);
        });
    }

    [Test]
    public async Task Signalling_client_is_an_es_module_the_media_client_can_reuse()
    {
        using var client = Appliance.CreateClient();

        var signalling = await Forms.GetAsync(client, "/js/signalling.js");
        var meeting = await Forms.GetAsync(client, "/js/meeting.js");

        Assert.Multiple(() =>
        {
            Assert.That(signalling.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(signalling.Body, Does.Contain("export class SignallingClient"));
            Assert.That(signalling.Body, Does.Contain("export const PROTOCOL_VERSION = 1;"));
            Assert.That(meeting.Body, Does.Contain("import { SignallingClient } from './signalling.js';"));
            Assert.That(meeting.Body, Does.Not.Contain("innerHTML"), "text from people is never parsed as HTML");
        });
    }
}
