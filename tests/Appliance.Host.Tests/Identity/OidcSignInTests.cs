using System.Net;
using Appliance.Core.Identity;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Identity;

/// <summary>
/// Staff sign-in at a real OpenID Provider (oidc-provider on 127.0.0.1): code flow with PKCE, roles from the IdP's
/// claim on every sign-in, refusal of weak sign-ins, local disabling, and the local form as the break-glass path.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OidcSignInTests
{
    private OidcProvider _idp = null!;
    private TestAppliance _appliance = null!;
    private StaffSession _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        (_idp, _appliance) = await OidcAppliance.StartAsync();
        _admin = await StaffSession.BootstrapAsync(_appliance);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _admin.Dispose();
        await _appliance.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Test]
    public async Task Sign_in_page_offers_the_organisation_and_keeps_the_local_form()
    {
        using var client = _appliance.CreateClient(new CookieContainer());
        var page = await Forms.GetAsync(client, "/signin?returnUrl=%2Fadmin");
        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(page.Body, "signin-organisation", "href"), Is.EqualTo("/signin/organisation?returnUrl=%2Fadmin"));
            Assert.That(page.Body, Does.Contain("Sign in with Testby Kommune"));
            Assert.That(page.Body, Does.Contain("name=\"password\""), "the local form stays, as the break-glass path");
        });
    }

    [TestCase("organiser", StaffRoles.Organiser, "/meetings", "/admin")]
    [TestCase("operator", StaffRoles.Operator, "/admin", "/meetings")]
    [TestCase("officer", StaffRoles.SecurityOfficer, "/account/tokens", "/admin/users")]
    [TestCase("auditor", StaffRoles.Auditor, "/account/tokens", "/meetings")]
    [TestCase("multi", StaffRoles.Organiser | StaffRoles.Operator, "/admin", "/denied")]
    public async Task Each_role_signs_in_with_the_roles_its_claim_maps_to(string login, StaffRoles roles, string allowed, string denied)
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        var callback = await browser.SignInAsync(login, returnUrl: allowed);
        Assert.That(callback.Status, Is.EqualTo(HttpStatusCode.Redirect), callback.Body);
        Assert.That(callback.Location, Is.EqualTo("/signin/continue?returnUrl=" + Uri.EscapeDataString(allowed)));

        var onward = await Forms.GetAsync(browser.Client, callback.Location!);
        var reached = await Forms.GetAsync(browser.Client, allowed);
        var refused = await Forms.GetAsync(browser.Client, denied);
        var user = await LinkedUserAsync(login);
        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(onward.Body, "continue", "href"), Is.EqualTo(allowed));
            Assert.That(onward.Body, Does.Contain($"<meta http-equiv=\"refresh\" content=\"0;url={allowed}\">"));
            Assert.That(reached.Status, Is.EqualTo(HttpStatusCode.OK), allowed);
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Forbidden).Or.EqualTo(HttpStatusCode.Redirect), denied);
            if (refused.Status == HttpStatusCode.Redirect)
            {
                Assert.That(refused.Location, Does.Contain("/denied"));
            }

            Assert.That(user.Roles, Is.EqualTo(roles));
            Assert.That(user.ExternalIssuer, Is.EqualTo(_idp.Issuer.AbsoluteUri.TrimEnd('/')));
            Assert.That(user.ExternalSubject, Is.EqualTo(login));
            Assert.That(user.PasswordHash, Does.Not.StartWith("$argon2"), "an IdP account has no password here");
        });
    }

    [Test]
    public async Task Refused_page_names_the_roles_and_sends_an_organisation_account_to_its_IdP()
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        await browser.SignInAsync("organiser");
        var policies = await Forms.GetAsync(browser.Client, "/admin/policies");
        var denied = await Forms.GetAsync(browser.Client, policies.Location!);
        var text = MeetingPages.VisibleText(denied.Body);

        Assert.Multiple(() =>
        {
            Assert.That(policies.Location, Does.Contain("/denied?"));
            Assert.That(denied.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(text, Does.Contain("Your account does not have the role this page needs."));
            Assert.That(text, Does.Contain("Your roles here: Organiser."));
            Assert.That(text, Does.Contain("Your roles come from your sign-in at Testby Kommune"));
            Assert.That(text, Does.Not.Contain("Ask an operator"), "an operator cannot give an IdP account a role here");
        });
    }

    [Test]
    public async Task Roles_come_from_each_sign_in_and_are_not_kept_from_an_earlier_one()
    {
        using (var first = new OidcBrowser(_appliance, _idp))
        {
            await first.SignInAsync("organiser");
        }

        // As if the person had been an operator before: the next sign-in must replace, not add to, what is stored.
        var user = await LinkedUserAsync("organiser");
        await _appliance.Service<IIdentityStore>().UpdateUserAsync(user with { Roles = StaffRoles.All });

        using var browser = new OidcBrowser(_appliance, _idp);
        await browser.SignInAsync("organiser");
        var admin = await Forms.GetAsync(browser.Client, "/admin");
        Assert.Multiple(async () =>
        {
            Assert.That((await LinkedUserAsync("organiser")).Roles, Is.EqualTo(StaffRoles.Organiser));
            Assert.That(admin.Status, Is.Not.EqualTo(HttpStatusCode.OK));
        });
    }

    [TestCase(OidcProvider.LowAcr, "pwd otp", TestName = "Sign_in_with_an_acr_that_is_not_accepted_is_refused")]
    [TestCase(null, "pwd otp", TestName = "Sign_in_without_acr_is_refused")]
    [TestCase(OidcProvider.HighAcr, "pwd", TestName = "Sign_in_with_an_accepted_acr_but_one_factor_is_refused")]
    public async Task Weak_sign_in_is_refused_with_a_clear_page(string? acr, string amr)
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        var callback = await browser.SignInAsync("operator", acr, amr, returnUrl: "/admin");
        Assert.That(callback.Status, Is.EqualTo(HttpStatusCode.Redirect), callback.Body);
        Assert.That(callback.Location, Is.EqualTo("/signin/refused?reason=weak"));

        var page = await Forms.GetAsync(browser.Client, callback.Location!);
        var admin = await Forms.GetAsync(browser.Client, "/admin");
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(page.Body, Does.Contain("Your sign-in was not strong enough for this appliance. Sign in with Testby Kommune again using multi-factor authentication"));
            Assert.That(admin.Status, Is.EqualTo(HttpStatusCode.Redirect), "no session was made");
            Assert.That(admin.Location, Does.Contain("/signin"));
            Assert.That(browser.Cookies.GetAllCookies().Any(c => c.Name == "__Host-appliance-session"), Is.False);
        });
    }

    [TestCase("da-DK", "Dit log-ind var ikke stærkt nok til denne appliance")]
    [TestCase("sv-SE", "Din inloggning var inte tillräckligt stark för den här appliancen")]
    public async Task Refusal_page_speaks_the_browsers_language(string language, string text)
    {
        using var browser = new OidcBrowser(_appliance, _idp, language);
        var callback = await browser.SignInAsync("organiser", OidcProvider.LowAcr);
        var page = await Forms.GetAsync(browser.Client, callback.Location!);
        Assert.That(WebUtility.HtmlDecode(page.Body), Does.Contain(text));
    }

    [Test]
    public async Task Tampered_state_is_refused_without_a_session()
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        var callback = await browser.ToCallbackAsync("operator");
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        var state = query["state"]!;
        query["state"] = state[..^4] + (state[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var tampered = new UriBuilder(callback) { Query = query.ToString() }.Uri;

        var answer = await browser.GetAsync(tampered);
        var admin = await Forms.GetAsync(browser.Client, "/admin");
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Redirect), answer.Body);
            Assert.That(answer.Location, Is.EqualTo("/signin/refused?reason=failed"));
            Assert.That(admin.Location, Does.Contain("/signin"));
        });
    }

    [Test]
    public async Task Code_without_the_correlation_cookie_is_refused()
    {
        // The callback replayed in another browser (say, a leaked URL): no correlation cookie, so no session.
        using var victim = new OidcBrowser(_appliance, _idp);
        var callback = await victim.ToCallbackAsync("operator");
        using var attacker = new OidcBrowser(_appliance, _idp);
        var answer = await attacker.GetAsync(callback);
        Assert.That(answer.Location, Is.EqualTo("/signin/refused?reason=failed"));
    }

    [Test]
    public async Task Person_without_a_mapped_role_is_refused()
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        var callback = await browser.SignInAsync("nobody");
        var page = await Forms.GetAsync(browser.Client, callback.Location!);
        Assert.Multiple(async () =>
        {
            Assert.That(callback.Location, Is.EqualTo("/signin/refused?reason=norole"));
            Assert.That(page.Body, Does.Contain("has no role on this appliance"));
            Assert.That(await _appliance.Service<IIdentityStore>().FindUserByNameAsync(OrganisationAccounts.UserNameFor(IssuerName, "nobody")), Is.Null,
                "nobody without a role is given an account");
        });
    }

    [Test]
    public async Task Users_page_shows_the_role_mappings_read_only_and_never_the_secret()
    {
        // An operator of its own session (signed in at the IdP), so that no other test's sign-outs matter.
        using var operatorBrowser = new OidcBrowser(_appliance, _idp);
        await operatorBrowser.SignInAsync("operator");
        var page = await Forms.GetAsync(operatorBrowser.Client, "/admin/users");
        var text = MeetingPages.VisibleText(page.Body);

        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("id=\"role-mappings\""));
            Assert.That(text, Does.Contain("Roles from the organisation's sign-in (OIDC)"));
            Assert.That(text, Does.Contain("meeting-organisers").And.Contain("security-officers").And.Contain("it-operations").And.Contain("internal-audit"));
            Assert.That(text, Does.Contain("Security officer").Or.Contain("SecurityOfficer"));
            Assert.That(page.Body, Does.Not.Contain("test-client-secret"));
            Assert.That(page.Body, Does.Not.Contain("client-secret"));
        });
    }

    [Test]
    public async Task Account_disabled_here_by_an_operator_cannot_sign_in_and_its_session_ends()
    {
        using var before = new OidcBrowser(_appliance, _idp);
        await before.SignInAsync("auditor");
        Assert.That((await Forms.GetAsync(before.Client, "/account/tokens")).Status, Is.EqualTo(HttpStatusCode.OK));

        var user = await LinkedUserAsync("auditor");
        var list = await Forms.GetAsync(_admin.Client, "/admin/users");
        Assert.That(MeetingPages.VisibleText(list.Body), Does.Contain("Aud Auditor").And.Contains("At the organisation (OIDC)"));
        var disabled = await Forms.SubmitAsync(_admin.Client, "/admin/users", Forms.Fields(("userId", user.Id)), "/admin/users?handler=Disable");
        Assert.That(disabled.Location, Is.EqualTo("/admin/users"), string.Join("; ", Forms.ErrorSummary(disabled.Body)));
        try
        {
            var running = await Forms.GetAsync(before.Client, "/account/tokens");
            using var after = new OidcBrowser(_appliance, _idp);
            var callback = await after.SignInAsync("auditor");
            var page = await Forms.GetAsync(after.Client, callback.Location!);
            Assert.Multiple(() =>
            {
                Assert.That(running.Status, Is.EqualTo(HttpStatusCode.Redirect), "the running session ends at once");
                Assert.That(callback.Location, Is.EqualTo("/signin/refused?reason=disabled"));
                Assert.That(page.Body, Does.Contain("has been disabled on this appliance"));
            });
        }
        finally
        {
            var enabled = await Forms.SubmitAsync(_admin.Client, "/admin/users", Forms.Fields(("userId", user.Id)), "/admin/users?handler=Enable");
            Assert.That(enabled.Location, Is.EqualTo("/admin/users"));
        }

        using var again = new OidcBrowser(_appliance, _idp);
        Assert.That((await again.SignInAsync("auditor")).Location, Does.StartWith("/signin/continue"), "enabled again, the person signs in");
    }

    [Test]
    public async Task Local_sign_in_still_works_beside_the_idp()
    {
        await _admin.SignInAsync();
        var admin = await Forms.GetAsync(_admin.Client, "/admin");
        Assert.That(admin.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Linked_account_cannot_be_used_with_a_password()
    {
        using (var browser = new OidcBrowser(_appliance, _idp))
        {
            await browser.SignInAsync("officer");
        }

        using var client = _appliance.CreateClient(new CookieContainer());
        var answer = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", OrganisationAccounts.UserNameFor(IssuerName, "officer")), ("password", "!external")));
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(answer.Body), Has.Some.Contains("not right"));
        });
    }

    [Test]
    public async Task Sign_out_ends_the_session_here_and_sends_the_browser_to_the_idps_end_session_endpoint()
    {
        using var browser = new OidcBrowser(_appliance, _idp);
        await browser.SignInAsync("organiser");
        var page = await Forms.GetAsync(browser.Client, "/meetings");
        var token = Forms.FindToken(page.Body);
        var signedOut = await Forms.PostAsync(browser.Client, "/signout", [], token);
        var link = Forms.ValueOf(signedOut.Body, "signout-idp", "href");
        var after = await Forms.GetAsync(browser.Client, "/meetings");
        Assert.Multiple(() =>
        {
            Assert.That(signedOut.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(link, Does.StartWith(_idp.Issuer.AbsoluteUri + "session/end?client_id=appliance&post_logout_redirect_uri="));
            Assert.That(signedOut.Body, Does.Contain("<meta http-equiv=\"refresh\""));
            Assert.That(after.Location, Does.Contain("/signin"));
        });

        // The IdP accepts the request (it knows the client and the way back) and asks to confirm.
        var idp = await browser.GetAsync(new Uri(link!));
        Assert.That(idp.Status, Is.EqualTo(HttpStatusCode.OK), idp.Body);
        Assert.That(idp.Body, Does.Contain("op.logoutForm"));
    }

    [Test]
    public async Task Local_sign_out_stays_local()
    {
        await _admin.SignInAsync();
        var page = await Forms.GetAsync(_admin.Client, "/meetings");
        var signedOut = await Forms.PostAsync(_admin.Client, "/signout", [], Forms.FindToken(page.Body));
        Assert.Multiple(() =>
        {
            Assert.That(signedOut.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(signedOut.Location, Is.EqualTo("/signin"));
        });
    }

    private string IssuerName => _idp.Issuer.AbsoluteUri.TrimEnd('/');

    private async Task<StaffUser> LinkedUserAsync(string login) =>
        await _appliance.Service<IIdentityStore>().FindUserByNameAsync(OrganisationAccounts.UserNameFor(IssuerName, login))
        ?? throw new AssertionException($"No account is linked to {login}.");
}
