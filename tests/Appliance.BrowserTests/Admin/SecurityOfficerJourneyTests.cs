using System.Text.RegularExpressions;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Admin;

/// <summary>
/// The "done when": while a meeting with a host and an admitted guest runs, a security officer (a local account
/// with password and TOTP) signs in to /admin, turns screen sharing off for the meeting's level (Internal), is told it applies at
/// once, sees the running meeting on the live page, and finds the change in the audit log.
/// </summary>
[TestFixture]
public sealed partial class SecurityOfficerJourneyTests
{
    private const string GuestName = "Astrid Guest Lindqvist";
    private static readonly StaffMember Officer = new("sofia.officer", "Sofia Security Berg", "another correct horse battery");

    [Test]
    public async Task A_security_officer_tightens_the_level_of_a_running_meeting_and_finds_it_in_the_audit_log()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        var guestLink = await StaffSteps.InviteGuestAsync(host, GuestName);

        // The administrator creates the officer's account on the users page.
        var admin = await staff.NewPageAsync();
        await admin.GotoAsync("/admin/users");
        await admin.GetByLabel("User name").FillAsync(Officer.UserName);
        await admin.GetByLabel("Full name").FillAsync(Officer.FullName);
        await admin.GetByLabel("Password").FillAsync(Officer.Password);
        // The new account's roles (each existing account has its own role boxes in its row).
        var roles = admin.GetByRole(AriaRole.Group, new() { Name = "Roles", Exact = true });
        await roles.GetByLabel("Organiser").UncheckAsync();
        await roles.GetByLabel("Security officer").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(admin.Locator(".notice")).ToContainTextAsync(Officer.UserName);

        // The meeting runs: the host is in, the guest waited in the lobby and was let in.
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();
        await using var guestContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(guestContext);
        var guest = await guestContext.NewPageAsync();
        await guest.GotoAsync(guestLink);
        await guest.GetByRole(AriaRole.Link, new() { Name = "Join the meeting" }).ClickAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(guest.Locator("#lobby")).ToBeVisibleAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {GuestName}" }).ClickAsync();
        await Expect(guest.Locator("#meeting")).ToBeVisibleAsync();
        // Before the change the guest may share a screen, and the host sees it.
        await guest.GetByRole(AriaRole.Button, new() { Name = "Share screen" }).ClickAsync();
        await Expect(guest.GetByRole(AriaRole.Button, new() { Name = "Share screen" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(host.Locator("#stage figure.screen")).ToHaveCountAsync(1);

        // The officer signs in (password, then enrols an authenticator at first sign-in) and lands on the policies page.
        await using var officerContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(officerContext);
        var officer = await officerContext.NewPageAsync();
        await officer.GotoAsync("/admin/policies");
        await officer.GetByLabel("User name", new() { Exact = true }).FillAsync(Officer.UserName);
        await officer.GetByLabel("Password", new() { Exact = true }).FillAsync(Officer.Password);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(officer).ToHaveURLAsync(EnrolPage());
        var secret = await officer.Locator("#totp-secret").GetAttributeAsync("data-secret");
        Assert.That(Base32.TryDecode(secret ?? "", out var key), Is.True);
        await officer.GetByLabel("Code", new() { Exact = true }).FillAsync(Totp.Compute(key, Totp.TimeStep(TimeProvider.System.GetUtcNow())));
        await officer.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();
        await Expect(officer).ToHaveURLAsync(PoliciesPage());

        // Only the officer's pages are offered.
        await Expect(officer.GetByRole(AriaRole.Navigation, new() { Name = "Administration" }).GetByRole(AriaRole.Link)).ToHaveTextAsync(["Classification policy", "Audit log"]);

        // Screen sharing off for Internal, the meeting's level: a tightening, in force at once.
        await PolicySteps.TurnScreenSharingOffAsync(officer, "Internal", "internal", StaffSteps.InternalMeeting().Title, "screens showed case files");

        // The running meeting feels it at once: the server stops forwarding the guest's share and tells everyone why; the
        // guest's browser stops capturing, and the share button stays off with the reason.
        await PolicySteps.ExpectScreenShareStoppedByPolicyAsync(guest, "Internal");

        // The running meeting is still listed with both people in it.
        await admin.GotoAsync("/admin/meetings");
        await Expect(admin.Locator(".live-meeting")).ToContainTextAsync(GuestName);

        // The audit log shows the applied change by the officer.
        await officer.GotoAsync("/admin/audit?Action=PolicyChangeApplied");
        await Expect(officer.Locator("table.audit tbody tr").First).ToContainTextAsync(Officer.FullName);
        await Expect(officer.Locator("table.audit tbody tr").First).ToContainTextAsync("Tightened");

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }

    private static MeetingToBook MeetingNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return StaffSteps.InternalMeeting() with { StartsAt = start, EndsAt = start.AddHours(1) };
    }

    [GeneratedRegex("/signin/enrol(\\?.*)?$")]
    private static partial Regex EnrolPage();

    [GeneratedRegex("/admin/policies$")]
    private static partial Regex PoliciesPage();
}
