using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Accessibility;

/// <summary>
/// axe-core's WCAG 2.1 A and AA rules on every page a citizen sees, in each of the three languages, and on the
/// organiser's booking and meeting pages; the guest pages and the organiser's tables also at 320 px (reflow). Each test
/// first checks it is looking at the page it means to.
/// </summary>
[TestFixture]
public sealed class WcagTests
{
    private const string GuestName = "Bo Guest Jensen";
    private const string PinGuestName = "Pia Guest Hansen";

    private TestAppliance _appliance = null!;
    private MeetingToBook _meeting = null!;
    private string _detailsUrl = "";
    private string _waitingLink = "";
    private string _pinLink = "";
    private string _staffState = "";
    private IBrowserContext? _context;

    [OneTimeSetUp]
    public async Task BookAMeetingWithTwoGuestsAsync()
    {
        _appliance = await TestAppliance.StartAsync();
        _meeting = StaffSteps.InternalMeeting();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(_appliance.BaseAddress.AbsoluteUri));
        var page = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(page, _appliance.BootstrapLink!, StaffSteps.Administrator);
        _detailsUrl = await StaffSteps.BookMeetingAsync(page, _meeting);
        _waitingLink = await StaffSteps.InviteGuestAsync(page, GuestName);
        _pinLink = await StaffSteps.InviteGuestAsync(page, PinGuestName, pin: "482915");
        _staffState = await staff.StorageStateAsync();
    }

    [OneTimeTearDown]
    public async Task StopApplianceAsync()
    {
        // Null when the set-up failed before the appliance started.
        if (_appliance is not null)
        {
            await _appliance.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CloseContextAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
            _context = null;
        }
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Front_page_meets_WCAG_2_1_AA(string language)
    {
        var page = await OpenAsync("/", language);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = Text(language, "Sign in", "Log ind", "Logga in") })).ToBeVisibleAsync();
        await CheckAsync(page, "front page", language);
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Sign_in_page_meets_WCAG_2_1_AA(string language)
    {
        var page = await OpenAsync("/signin", language);
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
        await CheckAsync(page, "sign-in page", language);
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Guest_waiting_page_meets_WCAG_2_1_AA(string language)
    {
        var page = await OpenAsync(_waitingLink, language);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(_meeting.Title);
        await Expect(page.Locator(".lead")).ToContainTextAsync(GuestName);
        await CheckAsync(page, "guest waiting page", language);
        await Reflow.AssertFitsNarrowScreenAsync(page, $"guest waiting page ({language})");
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Guest_PIN_page_meets_WCAG_2_1_AA(string language)
    {
        var page = await OpenAsync(_pinLink, language);
        await Expect(page.Locator("#pin")).ToBeVisibleAsync();
        await CheckAsync(page, "guest PIN page", language);
        await Reflow.AssertFitsNarrowScreenAsync(page, $"guest PIN page ({language})");
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Invalid_guest_link_page_meets_WCAG_2_1_AA(string language)
    {
        var page = await OpenAsync("/j/this-link-was-never-issued", language, expectedStatus: 404);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }))
            .ToHaveTextAsync(Text(language, "This link does not work", "Dette link virker ikke", "Den här länken fungerar inte"));
        await CheckAsync(page, "invalid guest link page", language);
    }

    [Test]
    public async Task Booking_form_meets_WCAG_2_1_AA()
    {
        var page = await OpenAsync("/meetings/new", "en", signedIn: true);
        await Expect(page.GetByRole(AriaRole.Radio)).ToHaveCountAsync(3);
        await CheckAsync(page, "booking form", "en");
    }

    [Test]
    public async Task Booking_form_showing_errors_meets_WCAG_2_1_AA()
    {
        var page = await OpenAsync("/meetings/new", "en", signedIn: true);
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book meeting" }).ClickAsync();
        await Expect(page.Locator("#errors")).ToContainTextAsync("Title: must be filled in");
        await CheckAsync(page, "booking form with errors", "en");
    }

    [Test]
    public async Task Meeting_details_page_with_a_new_invitation_meets_WCAG_2_1_AA()
    {
        var page = await OpenAsync(_detailsUrl, "en", signedIn: true);
        await StaffSteps.InviteGuestAsync(page, "Carl Guest Berg");
        await Expect(page.GetByRole(AriaRole.Note, new() { Name = "Classification" })).ToHaveTextAsync("INTERNAL");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Revoke the invitation for {GuestName}" })).ToBeVisibleAsync();
        await CheckAsync(page, "meeting details page", "en");
        await Reflow.AssertFitsNarrowScreenAsync(page, "meeting details page");
    }

    [Test]
    public async Task List_of_meetings_meets_WCAG_2_1_AA()
    {
        var page = await OpenAsync("/meetings", "en", signedIn: true);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = _meeting.Title })).ToBeVisibleAsync();
        await CheckAsync(page, "list of meetings", "en");
        await Reflow.AssertFitsNarrowScreenAsync(page, "list of meetings");
    }

    [Test]
    public async Task Axe_reports_the_violations_of_a_page_built_to_have_them()
    {
        // The harness itself must be able to fail: a page without lang, alt text or labels.
        _context = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(_appliance.BaseAddress));
        var page = await _context.NewPageAsync();
        await page.SetContentAsync("<html><head><title>broken</title></head><body><img src=\"data:,\"><input type=\"text\"></body></html>");

        var report = await Axe.RunAsync(page);

        Assert.That(report.Violations.Select(v => v.Id), Is.SupersetOf(new[] { "html-has-lang", "image-alt", "label" }), report.Describe("broken page"));
        Assert.That(report.Describe("broken page"), Does.Contain("image-alt (critical)").And.Contain("img"));
    }

    private async Task<IPage> OpenAsync(string path, string language, bool signedIn = false, int expectedStatus = 200)
    {
        _context = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(_appliance.BaseAddress, signedIn ? _staffState : null));
        var page = await _context.NewPageAsync();
        var response = await page.GotoAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=" + language);
        Assert.That(response?.Status, Is.EqualTo(expectedStatus), path);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        return page;
    }

    private static async Task CheckAsync(IPage page, string name, string language) =>
        Axe.AssertNoViolations(await Axe.RunAsync(page), $"{name} ({language})");

    private static string Text(string language, string en, string da, string sv) => language switch
    {
        "da" => da,
        "sv" => sv,
        _ => en,
    };
}
