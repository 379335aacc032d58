using System.Net;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Identity;

/// <summary>Password and TOTP sign-in. One appliance; every test uses its own accounts, so that lockouts do not leak.</summary>
public sealed class SignInTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;

    [Test]
    public async Task Wrong_password_gets_the_same_message_as_an_unknown_user()
    {
        await Admin.CreateAccountAsync("wrongpw", "Wendy Wrong", RoleNames.Organiser);
        using var client = Appliance.CreateClient(new CookieContainer());

        var wrongPassword = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", "wrongpw"), ("password", "not the password at all")));
        var unknownUser = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", "nobody-here"), ("password", "not the password at all")));

        Assert.Multiple(() =>
        {
            Assert.That(wrongPassword.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(unknownUser.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(wrongPassword.Body), Is.EqualTo(new[] { T.Get("en", "signin.failed") }));
            Assert.That(Forms.ErrorSummary(unknownUser.Body), Is.EqualTo(Forms.ErrorSummary(wrongPassword.Body)));
            Assert.That(wrongPassword.Body, Does.Not.Contain("not the password at all"), "the password is not echoed");
        });
    }

    [Test]
    public async Task Account_locks_after_five_failures_and_then_refuses_even_the_right_password()
    {
        var user = await Admin.CreateAccountAsync("locky", "Lou Locked", RoleNames.Organiser);
        using var client = Appliance.CreateClient(new CookieContainer());
        var fields = Forms.Fields(("userName", user.UserName), ("password", "a wrong password indeed"));

        var answers = new List<PageResponse>();
        for (var i = 0; i < AccountRules.MaxFailedSignIns; i++)
        {
            answers.Add(await Forms.SubmitAsync(client, "/signin", fields));
        }

        var right = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", user.UserName), ("password", user.Password)));

        Assert.Multiple(() =>
        {
            Assert.That(answers.Take(AccountRules.MaxFailedSignIns - 1).Select(a => Forms.ErrorSummary(a.Body).Single()), Is.All.EqualTo(T.Get("en", "signin.failed")));
            Assert.That(Forms.ErrorSummary(answers[^1].Body), Is.EqualTo(new[] { T.Get("en", "signin.locked") }));
            Assert.That(right.Status, Is.EqualTo(HttpStatusCode.OK), "no redirect to the second step");
            Assert.That(right.Location, Is.Null);
            Assert.That(Forms.ErrorSummary(right.Body), Is.EqualTo(new[] { T.Get("en", "signin.locked") }));
        });
    }

    [Test]
    public async Task Right_password_and_code_sign_in_and_open_the_meetings()
    {
        using var user = await Admin.CreateUserAsync("rightful", "Rita Rightful", RoleNames.Organiser);

        var meetings = await Forms.GetAsync(user.Client, "/meetings");

        Assert.That(meetings.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(meetings.Body, Does.Contain("href=\"/meetings/new\""));
    }

    [Test]
    public async Task Wrong_code_is_refused_and_gives_no_session()
    {
        using var user = await Admin.CreateUserAsync("codey", "Cody Code", RoleNames.Organiser);
        using var client = Appliance.CreateClient(new CookieContainer());
        var password = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", user.UserName), ("password", user.Password)));
        Assert.That(password.Location, Does.StartWith("/signin/code"));

        var wrong = WrongCode(user.Secret!);
        var code = await Forms.SubmitAsync(client, password.Location!, Forms.Fields(("code", wrong)));
        var meetings = await Forms.GetAsync(client, "/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(code.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(code.Body), Is.EqualTo(new[] { T.Get("en", "code.failed") }));
            Assert.That(meetings.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(meetings.Location, Does.Contain("/signin"));
        });
    }

    [Test]
    public async Task A_code_that_was_used_once_is_refused_the_second_time()
    {
        using var user = await Admin.CreateUserAsync("replay", "Ray Replay", RoleNames.Organiser);
        await user.SignInAsync();
        var used = user.LastCode;

        using var attacker = Appliance.CreateClient(new CookieContainer());
        var password = await Forms.SubmitAsync(attacker, "/signin", Forms.Fields(("userName", user.UserName), ("password", user.Password)));
        var replay = await Forms.SubmitAsync(attacker, password.Location!, Forms.Fields(("code", used)));
        var meetings = await Forms.GetAsync(attacker, "/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(replay.Location, Is.Null);
            Assert.That(Forms.ErrorSummary(replay.Body), Is.EqualTo(new[] { T.Get("en", "code.failed") }));
            Assert.That(meetings.Location, Does.Contain("/signin"));
        });
    }

    [Test]
    public async Task A_new_account_must_enrol_its_authenticator_before_it_can_open_anything()
    {
        var account = await Admin.CreateAccountAsync("newbie", "Nina New", RoleNames.Organiser);
        using var client = Appliance.CreateClient(new CookieContainer());

        var password = await Forms.SubmitAsync(client, "/signin", Forms.Fields(("userName", account.UserName), ("password", account.Password)));
        var meetings = await Forms.GetAsync(client, "/meetings");
        var code = await Forms.GetAsync(client, "/signin/code");

        Assert.Multiple(() =>
        {
            Assert.That(password.Location, Does.StartWith("/signin/enrol"));
            Assert.That(meetings.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(meetings.Location, Does.Contain("/signin"));
            // The code page of an unenrolled account opens, but no code can be right.
            Assert.That(code.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Signing_out_ends_the_session()
    {
        using var user = await Admin.CreateUserAsync("leaver", "Lee Leaver", RoleNames.Organiser);
        var page = await Forms.GetAsync(user.Client, "/meetings");
        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));

        // Exactly what the sign-out button in the page header posts.
        var signOut = await Forms.PostAsync(user.Client, "/signout", Forms.HiddenFieldsOf(page.Body, "/signout"), token: null);
        var after = await Forms.GetAsync(user.Client, "/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(signOut.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(signOut.Location, Is.EqualTo("/signin"));
            Assert.That(after.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(after.Location, Does.Contain("/signin"));
        });
    }

    [Test]
    public async Task Staff_pages_redirect_anonymous_visitors_to_sign_in()
    {
        using var client = Appliance.CreateClient();

        var meetings = await Forms.GetAsync(client, "/meetings");
        var admin = await Forms.GetAsync(client, "/admin/users");

        Assert.Multiple(() =>
        {
            Assert.That(meetings.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(meetings.Location, Does.Contain("/signin?returnUrl=%2Fmeetings"));
            Assert.That(admin.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(admin.Location, Does.Contain("/signin"));
        });
    }

    /// <summary>A well-formed code that none of the steps the appliance accepts right now would produce.</summary>
    private static string WrongCode(byte[] secret)
    {
        var step = Totp.TimeStep(TimeProvider.System.GetUtcNow());
        var valid = Enumerable.Range(-2, 5).Select(d => Totp.Compute(secret, step + d)).ToHashSet();
        for (var candidate = 0; ; candidate++)
        {
            var code = candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!valid.Contains(code))
            {
                return code;
            }
        }
    }
}
