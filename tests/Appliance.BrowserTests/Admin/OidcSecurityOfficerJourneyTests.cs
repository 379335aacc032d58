using System.Text.RegularExpressions;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Admin;

/// <summary>
/// Issue 5's "done when" with the organisation's sign-in: an appliance whose staff sign in at a real OpenID Provider
/// (oidc-provider on 127.0.0.1). An organiser (signed in there) holds a meeting at Internal with an admitted guest and shares
/// a screen; a security officer signs in there too (password and one-time code), lands in /admin, turns screen sharing off
/// for Internal, and the running meeting feels it at once; the officer then finds the change (with the officer's IdP
/// account as actor) and the stopped share in the audit log, and verifies the chain. An organiser is refused the policies.
/// </summary>
[TestFixture]
public sealed partial class OidcSecurityOfficerJourneyTests
{
    private const string GuestName = "Astrid Guest Lindqvist";

    /// <summary>The test IdP's accounts (tests/oidc-provider/provider.mjs) and the names it gives them.</summary>
    private const string OrganiserLogin = "organiser";
    private const string OfficerLogin = "officer";
    private const string OfficerName = "Sven Security";

    [Test]
    public async Task A_security_officer_signed_in_at_the_organisation_stops_screen_sharing_in_a_running_meeting_and_verifies_the_audit_entry()
    {
        var (idp, appliance) = await OidcAppliance.StartAsync();
        // Disposed in reverse: the appliance first, then its IdP.
        await using var idpToStop = idp;
        await using var applianceToStop = appliance;
        var problems = new PageProblems();
        var options = ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri);

        // The organiser signs in at the organisation, books a meeting at Internal (screen sharing allowed) for now, invites
        // a guest and opens the room.
        await using var organiserContext = await BrowserRun.Browser.NewContextAsync(options);
        problems.Watch(organiserContext);
        var host = await organiserContext.NewPageAsync();
        await OidcSteps.SignInAtOrganisationAsync(host, "/meetings", OrganiserLogin, MeetingsPage());
        var meeting = MediaSteps.MeetingNow("Internal");
        await StaffSteps.BookMeetingAsync(host, meeting);
        var guestLink = await StaffSteps.InviteGuestAsync(host, GuestName);
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();

        // The guest waits in the lobby and is let in; the organiser shares a screen, which reaches the guest.
        await using var guestContext = await BrowserRun.Browser.NewContextAsync(options);
        problems.Watch(guestContext);
        var guest = await MediaSteps.GuestJoinsLobbyAsync(guestContext, guestLink);
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {GuestName}" }).ClickAsync();
        await Expect(guest.Locator("#meeting")).ToBeVisibleAsync();
        var hostId = await host.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        await host.GetByRole(AriaRole.Button, new() { Name = "Share screen" }).ClickAsync();
        await Expect(host.GetByRole(AriaRole.Button, new() { Name = "Share screen" })).ToHaveAttributeAsync("aria-pressed", "true");
        await MediaSteps.ExpectFlowingAsync(guest, "guest", [(hostId, "screen")]);
        var screenMids = (await MediaSteps.StatsAsync(guest)).Where(s => s.ParticipantId == hostId && s.Kind == "screen").Select(s => s.Mid).ToHashSet();

        // The security officer opens /admin, signs in at the organisation and is sent on to the policies, the officer's
        // first page; only the officer's pages are offered.
        await using var officerContext = await BrowserRun.Browser.NewContextAsync(options);
        problems.Watch(officerContext);
        var officer = await officerContext.NewPageAsync();
        await OidcSteps.SignInAtOrganisationAsync(officer, "/admin", OfficerLogin, PoliciesPage());
        var adminNavigation = officer.GetByRole(AriaRole.Navigation, new() { Name = "Administration" });
        await Expect(adminNavigation.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Classification policy", "Audit log"]);
        await adminNavigation.GetByRole(AriaRole.Link, new() { Name = "Classification policy" }).ClickAsync();
        await Expect(officer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Classification policy");

        await PolicySteps.TurnScreenSharingOffAsync(officer, "Internal", "internal", meeting.Title, "screens showed case files");

        // The running meeting: the organiser's share stops, the button is off and disabled with the reason, announced; the
        // guest's screen track stops (the camera keeps flowing).
        await PolicySteps.ExpectScreenShareStoppedByPolicyAsync(host, "Internal");
        await Expect(guest.Locator("#stage figure.screen")).ToHaveCountAsync(0);
        await MediaSteps.ExpectStoppedAsync(guest, "guest", "the organiser's screen", s => screenMids.Contains(s.Mid) || (s.ParticipantId == hostId && s.Kind == "screen"));
        await MediaSteps.ExpectFlowingAsync(guest, "guest", [(hostId, "video")]);

        // The audit log, filtered with its form: the change, with the officer's IdP account as actor.
        var officerAccount = await appliance.Service<IIdentityStore>().FindUserByNameAsync(OrganisationAccounts.UserNameFor(idp.Issuer.AbsoluteUri.TrimEnd('/'), OfficerLogin));
        Assert.That(officerAccount?.ExternalSubject, Is.EqualTo(OfficerLogin), "the officer's account is the one linked to the IdP's subject");
        await adminNavigation.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await FilterAuditAsync(officer, "PolicyChangeApplied");
        var applied = officer.Locator("table.audit tbody tr");
        await Expect(applied).ToHaveCountAsync(1);
        await Expect(applied).ToContainTextAsync($"{OfficerName} ({officerAccount!.Id})");
        await Expect(applied).ToContainTextAsync("Tightened");

        // The stopped share, as a denial by the policy with its rule.
        await FilterAuditAsync(officer, "Denied");
        var stopped = officer.Locator("table.audit tbody tr").Filter(new() { HasText = $"participant={hostId}" });
        await Expect(stopped).ToHaveCountAsync(1);
        await Expect(stopped.Locator("td").Nth(2)).ToHaveTextAsync("system");
        await Expect(stopped).ToContainTextAsync($"rule={PolicyRules.ScreenShareNotAllowed.Id}");
        await Expect(stopped).ToContainTextAsync("cause=policy-tightened");
        // The officer's sign-in at the organisation, with the strength the IdP vouched for.
        await FilterAuditAsync(officer, "SignIn");
        var signIn = officer.Locator("table.audit tbody tr").Filter(new() { HasText = $"{OfficerName} ({officerAccount.Id})" });
        await Expect(signIn).ToHaveCountAsync(1);
        await Expect(signIn).ToContainTextAsync("method=oidc");
        await Expect(signIn).ToContainTextAsync("amr=pwd otp");

        // Verify: the hash chain and its signed checkpoints hold.
        await officer.GetByRole(AriaRole.Button, new() { Name = "Verify now" }).ClickAsync();
        await Expect(officer.Locator("#verification")).ToContainTextAsync("Intact.");

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");

        // An organiser (signed in at the same IdP, without the security officers' group) is refused the policies, and told why.
        // (In the organiser's session, in a context where axe may run: it is injected as inline script, which the CSP refuses.)
        await using var refusedContext = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(appliance.BaseAddress, await organiserContext.StorageStateAsync()));
        var refused = await refusedContext.NewPageAsync();
        var answer = await refused.GotoAsync("/admin/policies");
        Assert.That(answer?.Status, Is.EqualTo(403), "the policies page refuses an organiser");
        await Expect(refused.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not allowed");
        await Expect(refused.Locator("#denied-reason")).ToHaveTextAsync("Your account does not have the role this page needs.");
        await Expect(refused.Locator("#denied-roles")).ToHaveTextAsync("Your roles here: Organiser.");
        await Expect(refused.Locator("#denied-ask")).ToContainTextAsync($"Your roles come from your sign-in at {OidcAppliance.OrganisationName}");
        Axe.AssertNoViolations(await Axe.RunAsync(refused), "the refusal page");
    }

    private static async Task FilterAuditAsync(IPage officer, string action)
    {
        await officer.GetByLabel("What", new() { Exact = true }).SelectOptionAsync(action);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(officer).ToHaveURLAsync(new Regex($"[?&]Action={action}(&|$)"));
    }

    [GeneratedRegex("/meetings$")]
    private static partial Regex MeetingsPage();

    [GeneratedRegex("/admin/policies$")]
    private static partial Regex PoliciesPage();
}
