using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Journeys;

/// <summary>
/// The whole first hour of an appliance in Debian's Chromium: the administrator bootstraps the appliance, enrols an
/// authenticator, books an internal meeting and invites a guest; the guest opens the link in a browser of their own
/// and reads the waiting page in English, Danish and Swedish.
/// </summary>
[TestFixture]
public sealed class BookingAndGuestLinkTests
{
    [Test]
    public async Task Administrator_bootstraps_enrols_TOTP_books_a_meeting_and_the_guest_link_opens_the_waiting_page_in_every_language()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var bootstrapLink = appliance.BootstrapLink;
        Assert.That(bootstrapLink, Is.Not.Null, "a fresh appliance announces a bootstrap link");
        var problems = new PageProblems();
        var admin = StaffSteps.Administrator;
        var meeting = StaffSteps.InternalMeeting();
        const string guestName = "Bo Guest Jensen";

        // The organiser's browser.
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var page = await staff.NewPageAsync();

        await StaffSteps.BootstrapAdministratorAsync(page, bootstrapLink!, admin);
        await StaffSteps.BookMeetingAsync(page, meeting);

        await Expect(page.Locator(".marking[role=note]")).ToHaveTextAsync("INTERNAL");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync(admin.FullName);
        await Expect(page.Locator(".agenda")).ToHaveTextAsync(meeting.Agenda);
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = meeting.ParticipantName })).ToHaveTextAsync($"{meeting.ParticipantName} (citizen)");

        var link = await StaffSteps.InviteGuestAsync(page, guestName);
        await Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync(guestName);
        await Screenshots.TakeAsync(page, "meeting-details");

        // The guest's browser: nothing shared with the organiser's, no cookies at all.
        await using var guestContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(guestContext);
        Assert.That(await guestContext.CookiesAsync(), Is.Empty, "the guest's browser starts without cookies");
        var guest = await guestContext.NewPageAsync();

        var response = await guest.GotoAsync(link);
        Assert.That(response?.Status, Is.EqualTo(200), "the guest link opens");
        await Expect(guest.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(meeting.Title);
        await Expect(guest.Locator(".lead")).ToHaveTextAsync($"Welcome, {guestName}. You are invited to this meeting.");
        await Expect(guest.Locator(".agenda")).ToHaveTextAsync(meeting.Agenda);
        await Expect(guest.Locator("dt:text-is('Host') + dd")).ToHaveTextAsync(admin.FullName);
        await Expect(guest.GetByRole(AriaRole.Note, new() { Name = "Classification" })).ToHaveTextAsync("INTERNAL");
        await Expect(guest.Locator("dl.facts")).ToContainTextAsync("(UTC+00:00)");
        await Screenshots.TakeAsync(guest, "guest-waiting");

        await guest.GetByRole(AriaRole.Link, new() { Name = "Dansk" }).ClickAsync();
        await Expect(guest.Locator("html")).ToHaveAttributeAsync("lang", "da");
        await Expect(guest.GetByRole(AriaRole.Note, new() { Name = "Klassifikation" })).ToHaveTextAsync("INTERN");
        await Expect(guest.Locator(".lead")).ToHaveTextAsync($"Velkommen, {guestName}. Du er inviteret til dette møde.");
        await Expect(guest.Locator("dt:text-is('Vært') + dd")).ToHaveTextAsync(admin.FullName);
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(meeting.Title);
        Assert.That(new Uri(guest.Url).AbsolutePath, Is.EqualTo(new Uri(link).AbsolutePath), "the language switch returns to the same guest page");

        await guest.GetByRole(AriaRole.Link, new() { Name = "Svenska" }).ClickAsync();
        await Expect(guest.Locator("html")).ToHaveAttributeAsync("lang", "sv");
        await Expect(guest.GetByRole(AriaRole.Note, new() { Name = "Informationsklass" })).ToHaveTextAsync("INTERN");
        await Expect(guest.Locator(".lead")).ToHaveTextAsync($"Välkommen, {guestName}. Du är inbjuden till det här mötet.");
        await Expect(guest.Locator("dt:text-is('Värd') + dd")).ToHaveTextAsync(admin.FullName);
        await Expect(guest.Locator(".agenda")).ToHaveTextAsync(meeting.Agenda);

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }
}
