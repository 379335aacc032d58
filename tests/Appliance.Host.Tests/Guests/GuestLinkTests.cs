using System.Globalization;
using System.Net;
using Appliance.Core.Invitations;
using Appliance.Core.Localization;
using Appliance.Crypto;
using Appliance.Host.Meetings;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Guests;

/// <summary>
/// Invitations issued from the meeting page and what their links open. One appliance and one booked meeting; every
/// test invites its own guests.
/// </summary>
public sealed class GuestLinkTests : ApplianceFixture
{
    private const string Title = "Hearing about the housing benefit";
    private const string Agenda = "1. Welcome\n2. Your questions";
    private static readonly Texts T = Texts.Embedded;
    private string _meetingId = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _meetingId = await MeetingPages.BookAsync(Admin, Title, "internal", Agenda);
    }

    [Test]
    public async Task Invitation_form_shows_the_link_once()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Gina Guest");
        var reloaded = await Forms.GetAsync(Admin.Client, "/meetings/" + _meetingId);

        Assert.Multiple(() =>
        {
            Assert.That(issued.Page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(issued.Link, Does.StartWith(Appliance.BaseAddress.AbsoluteUri + "j/"));
            Assert.That(issued.Path, Is.EqualTo("/j/" + issued.Token));
            Assert.That(SecretToken.LooksValid(issued.Token), Is.True);
            Assert.That(reloaded.Body, Does.Contain("Gina Guest"), "the invitation is listed");
            Assert.That(reloaded.Body, Does.Not.Contain(issued.Token), "the link is not shown again");
            Assert.That(reloaded.Body, Does.Not.Contain("id=\"invitation-link\""));
        });
    }

    [Test]
    public async Task Guest_link_opens_the_waiting_page_with_title_time_agenda_host_and_marking()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Harry Guest");
        using var guest = Appliance.CreateClient();

        var page = await Forms.GetAsync(guest, issued.Path);
        var text = MeetingPages.VisibleText(page.Body);
        var meeting = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().FindAsync(_meetingId);

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain($"<h1>{Title}</h1>"));
            Assert.That(text, Does.Contain(ExpectedTime(meeting!.StartsAt, meeting.EndsAt)));
            Assert.That(page.Body, Does.Match("<p class=\"agenda\">1\\. Welcome(\n|&#xA;)2\\. Your questions</p>"));
            Assert.That(text, Does.Contain(Admin.DisplayName));
            Assert.That(text, Does.Contain("Harry Guest"));
            Assert.That(page.Body, Does.Match("<div class=\"marking marking-internal\"[^>]*>INTERNAL</div>"));
            Assert.That(page.Body, Does.Not.Contain(Forms.TokenField), "no PIN form on a link without PIN");
            Assert.That(page.Body, Does.Contain("/language/da?returnUrl=" + Uri.EscapeDataString(issued.Path)), "switching language comes back to the waiting page");
        });
    }

    [Test]
    public async Task Calendar_file_from_the_meeting_page_holds_the_guest_link()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Ingrid Guest");
        var fields = Forms.HiddenFieldsOf(issued.Page.Body, $"/meetings/{_meetingId}?handler=Calendar");

        var ics = await Forms.PostAsync(Admin.Client, $"/meetings/{_meetingId}?handler=Calendar", fields, token: null);
        var wrongToken = await Forms.PostAsync(
            Admin.Client,
            $"/meetings/{_meetingId}?handler=Calendar",
            Forms.Fields(("invitationId", issued.InvitationId), ("token", SecretToken.Generate()), (Forms.TokenField, fields.Single(f => f.Key == Forms.TokenField).Value)),
            token: null);

        Assert.Multiple(() =>
        {
            Assert.That(ics.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ics.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/calendar"));
            Assert.That(ics.Body, Does.StartWith("BEGIN:VCALENDAR"));
            Assert.That(Unfold(ics.Body), Does.Contain(issued.Link));
            Assert.That(Unfold(ics.Body), Does.Contain("SUMMARY:[INTERNAL] " + Title));
            Assert.That(wrongToken.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Calendar_file_from_the_guest_page_holds_the_guest_link()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Jon Guest");
        using var guest = Appliance.CreateClient();

        var ics = await Forms.GetAsync(guest, issued.Path + "?handler=Calendar");
        var bad = await Forms.GetAsync(guest, "/j/" + SecretToken.Generate() + "?handler=Calendar");

        Assert.Multiple(() =>
        {
            Assert.That(ics.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ics.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/calendar"));
            Assert.That(Unfold(ics.Body), Does.Contain(issued.Link));
            Assert.That(bad.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(bad.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        });
    }

    [Test]
    public async Task Wrong_malformed_revoked_expired_and_cancelled_links_all_get_one_identical_page()
    {
        using var guest = Appliance.CreateClient();
        var wrong = await Forms.GetAsync(guest, "/j/" + SecretToken.Generate());
        var malformed = await Forms.GetAsync(guest, "/j/abc");

        var revoked = await MeetingPages.InviteAsync(Admin, _meetingId, "Revoked Guest");
        Assert.That((await Forms.GetAsync(guest, revoked.Path)).Status, Is.EqualTo(HttpStatusCode.OK), "works before it is revoked");
        var revoke = await Forms.SubmitAsync(Admin.Client, "/meetings/" + _meetingId, Forms.Fields(("invitationId", revoked.InvitationId)), $"/meetings/{_meetingId}?handler=Revoke");
        Assert.That(revoke.Body, Does.Contain("class=\"notice\""), string.Join("; ", Forms.ErrorSummary(revoke.Body)));

        var expired = await MeetingPages.InviteAsync(Admin, _meetingId, "Expired Guest");
        var store = Appliance.Service<IInvitationStore>();
        var invitation = await store.FindAsync(expired.InvitationId);
        await store.UpdateAsync(invitation! with { ExpiresAt = TimeProvider.System.GetUtcNow().AddMinutes(-1) });

        var cancelledMeeting = await MeetingPages.BookAsync(Admin, "To be cancelled", "internal");
        var cancelled = await MeetingPages.InviteAsync(Admin, cancelledMeeting, "Cancelled Guest");
        Assert.That((await Forms.GetAsync(guest, cancelled.Path)).Status, Is.EqualTo(HttpStatusCode.OK), "works before the meeting is cancelled");
        var cancel = await Forms.SubmitAsync(Admin.Client, "/meetings/" + cancelledMeeting, [], $"/meetings/{cancelledMeeting}?handler=Cancel");
        Assert.That(cancel.Body, Does.Contain("class=\"notice\""), string.Join("; ", Forms.ErrorSummary(cancel.Body)));

        var pages = new Dictionary<string, PageResponse>
        {
            ["malformed"] = malformed,
            ["revoked"] = await Forms.GetAsync(guest, revoked.Path),
            ["expired"] = await Forms.GetAsync(guest, expired.Path),
            ["cancelled"] = await Forms.GetAsync(guest, cancelled.Path),
        };

        Assert.Multiple(() =>
        {
            Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(wrong.Body, Does.Contain(T.Get("en", "guest.invalid.title")));
            Assert.That(wrong.Body, Does.Not.Contain("marking marking-"));
            foreach (var (kind, page) in pages)
            {
                Assert.That(page.Status, Is.EqualTo(HttpStatusCode.NotFound), kind);
                Assert.That(page.Body, Is.EqualTo(wrong.Body), kind + " link page differs from the wrong link page");
                Assert.That(page.Body, Does.Not.Contain(Title).And.Not.Contain("To be cancelled"), kind);
            }
        });
    }

    [Test]
    public async Task Link_with_a_pin_asks_for_it_and_after_the_right_pin_a_reload_needs_no_pin()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Karl Pin", pin: "482913");
        using var guest = Appliance.CreateClient(new CookieContainer());

        var ask = await Forms.GetAsync(guest, issued.Path);
        Assert.Multiple(() =>
        {
            Assert.That(ask.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ask.Body, Does.Contain(T.Get("en", "guest.pin.title")));
            Assert.That(ask.Body, Does.Not.Contain(Title), "nothing about the meeting before the PIN");
            Assert.That(ask.Body, Does.Not.Contain("Agenda item"));
        });

        var wrong = await Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "000000")), Forms.FindToken(ask.Body));
        Assert.Multiple(() =>
        {
            Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrong.Body, Does.Contain(T.Get("en", "guest.pin.title")));
            Assert.That(Forms.ErrorSummary(wrong.Body), Is.EqualTo(new[] { T.Get("en", "guest.pin.wrong") }));
            Assert.That(wrong.Body, Does.Not.Contain(Title));
        });

        var right = await Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "482913")), Forms.FindToken(wrong.Body));
        Assert.That(right.Status, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(right.Location, Is.EqualTo(issued.Path));

        var waiting = await Forms.GetAsync(guest, issued.Path);
        var reload = await Forms.GetAsync(guest, issued.Path);
        using var otherBrowser = Appliance.CreateClient(new CookieContainer());
        var elsewhere = await Forms.GetAsync(otherBrowser, issued.Path);

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(waiting.Body, Does.Contain($"<h1>{Title}</h1>"));
            Assert.That(reload.Body, Does.Contain($"<h1>{Title}</h1>"));
            Assert.That(elsewhere.Body, Does.Contain(T.Get("en", "guest.pin.title")), "another browser must give the PIN itself");
        });
    }

    [Test]
    public async Task Five_wrong_pins_turn_the_link_into_the_generic_invalid_page_even_for_the_right_pin()
    {
        var issued = await MeetingPages.InviteAsync(Admin, _meetingId, "Lisa Locked", pin: "1357");
        using var guest = Appliance.CreateClient(new CookieContainer());
        var ask = await Forms.GetAsync(guest, issued.Path);
        var token = Forms.FindToken(ask.Body);
        var invalid = await Forms.GetAsync(guest, "/j/" + SecretToken.Generate());

        var answers = new List<PageResponse>();
        for (var i = 0; i < InvitationRules.MaxPinAttempts; i++)
        {
            answers.Add(await Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "9999")), token));
        }

        var right = await Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "1357")), token);
        var get = await Forms.GetAsync(guest, issued.Path);

        Assert.Multiple(() =>
        {
            Assert.That(answers.Take(InvitationRules.MaxPinAttempts - 1).Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(answers[^1].Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(answers[^1].Body, Does.Contain(T.Get("en", "guest.invalid.title")));
            Assert.That(right.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(right.Location, Is.Null);
            Assert.That(right.Body, Does.Not.Contain(Title));
            Assert.That(get.Body, Is.EqualTo(invalid.Body));
        });
    }

    [TestCase("", "", "", "field.guestName", "validation.required", TestName = "Invitation_form_without_a_guest_name_shows_the_error")]
    [TestCase("Mo Guest", "12ab", "", "field.pin", "validation.invalid_pin", TestName = "Invitation_form_with_a_pin_that_is_not_digits_shows_the_error")]
    [TestCase("Mo Guest", "", "2001-01-01T10:00", "field.expiresAt", "validation.invalid_expiry", TestName = "Invitation_form_with_an_expiry_in_the_past_shows_the_error")]
    [TestCase("Mo Guest", "", "next week", "field.expiresAt", "validation.invalid_expiry", TestName = "Invitation_form_with_a_malformed_expiry_shows_the_error")]
    public async Task Invalid_invitation_form_shows_the_error_and_issues_nothing(string guestName, string pin, string expiresAt, string field, string message)
    {
        var before = (await Appliance.Service<IInvitationStore>().ListByMeetingAsync(_meetingId)).Count;

        var page = await MeetingPages.SubmitInvitationAsync(Admin, _meetingId, guestName, pin, expiresAt);
        var after = (await Appliance.Service<IInvitationStore>().ListByMeetingAsync(_meetingId)).Count;

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(page.Body), Does.Contain($"{T.Get("en", field)}: {T.Get("en", message)}"));
            Assert.That(page.Body, Does.Not.Contain("id=\"invitation-link\""));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    private string ExpectedTime(DateTimeOffset start, DateTimeOffset end)
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
            // ICU's English times have a narrow no-break space before AM/PM; the page text is compared with white space collapsed.
            return MeetingPages.VisibleText(Appliance.Service<DisplayTime>().Range(start, end)).Trim();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }

    private static string Unfold(string ics) => ics.Replace("\r\n ", "", StringComparison.Ordinal);
}
