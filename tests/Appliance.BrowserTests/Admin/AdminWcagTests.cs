using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Admin;

/// <summary>
/// axe-core's WCAG 2.1 A and AA rules on every admin page, as the bootstrap administrator (who holds every role) sees
/// them, including the policy edit form, a form with errors and a preview; each test first checks it is on the page it means.
/// </summary>
[TestFixture]
public sealed class AdminWcagTests
{
    private TestAppliance _appliance = null!;
    private string _staffState = "";
    private IBrowserContext? _context;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _appliance = await TestAppliance.StartAsync();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(_appliance.BaseAddress.AbsoluteUri));
        var page = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(page, _appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(page, StaffSteps.InternalMeeting());
        _staffState = await staff.StorageStateAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
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

    [TestCase("/admin", "Administration", "en")]
    [TestCase("/admin/meetings", "Live meetings", "en")]
    [TestCase("/admin/users", "Staff accounts", "en")]
    [TestCase("/admin/system", "System", "en")]
    [TestCase("/admin/audit", "Audit log", "en")]
    [TestCase("/admin/policies", "Classification policy", "en")]
    [TestCase("/admin/policies?edit=confidential", "Classification policy", "en")]
    [TestCase("/admin/policies", "Klassifikationspolitik", "da")]
    [TestCase("/admin/audit", "Granskningslogg", "sv")]
    public async Task Admin_page_meets_WCAG_2_1_AA(string path, string heading, string language)
    {
        var page = await OpenAsync(path, language);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        Axe.AssertNoViolations(await Axe.RunAsync(page), $"{path} ({language})");
    }

    [Test]
    public async Task Policy_form_with_errors_and_the_preview_meet_WCAG_2_1_AA()
    {
        var page = await OpenAsync("/admin/policies?edit=internal", "en");
        await page.GetByLabel("Networks clients may connect from").FillAsync("10.20.30.40/16");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply or propose" }).ClickAsync();
        await Expect(page.Locator("#errors")).ToBeFocusedAsync();
        Axe.AssertNoViolations(await Axe.RunAsync(page), "policy form with errors");

        await page.GetByLabel("Networks clients may connect from").FillAsync("0.0.0.0/0\n::/0");
        await page.GetByLabel("Screen sharing allowed").SelectOptionAsync("no");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview affected meetings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Booked meetings this change reaches" })).ToBeVisibleAsync();
        Axe.AssertNoViolations(await Axe.RunAsync(page), "policy preview");
    }

    [Test]
    public async Task Audit_verification_result_meets_WCAG_2_1_AA()
    {
        var page = await OpenAsync("/admin/audit", "en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify now" }).ClickAsync();
        await Expect(page.Locator("#verification")).ToContainTextAsync("Intact.");
        Axe.AssertNoViolations(await Axe.RunAsync(page), "audit verification");
    }

    [Test]
    public async Task Backup_list_and_pending_restore_meet_WCAG_2_1_AA()
    {
        // The language of the query string holds for the first page only; the forms post without it.
        var page = await OpenAsync("/admin/system", "en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        var restore = page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Restore at next start: the backup of ") });
        await Expect(restore).ToHaveCountAsync(1);
        await page.GetByLabel("I understand that all changes since this backup will be lost").CheckAsync();
        await restore.ClickAsync();
        await Expect(page.Locator("#restore-pending")).ToBeVisibleAsync();
        Axe.AssertNoViolations(await Axe.RunAsync(page), "backup list with a pending restore");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel pending restore" }).ClickAsync();
        await Expect(page.Locator("#restore-pending")).ToHaveCountAsync(0);
    }

    private async Task<IPage> OpenAsync(string path, string language)
    {
        _context = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(_appliance.BaseAddress, _staffState));
        var page = await _context.NewPageAsync();
        var response = await page.GotoAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=" + language);
        Assert.That(response?.Status, Is.EqualTo(200), path);
        return page;
    }
}
