using System.Net;
using Appliance.Core.Localization;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Identity;

/// <summary>The one-time link that creates the first administrator. Each test starts its own fresh appliance.</summary>
public sealed class BootstrapTests
{
    private static readonly Texts T = Texts.Embedded;

    [Test]
    public async Task Bootstrap_link_works_once_and_a_second_use_gets_the_generic_invalid_page()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var link = appliance.BootstrapLink!.PathAndQuery;
        using var admin = await StaffSession.BootstrapAsync(appliance);

        using var other = appliance.CreateClient(new CookieContainer());
        var again = await Forms.GetAsync(other, link);
        Assert.Multiple(() =>
        {
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(again.Body, Does.Contain(Encode(T.Get("en", "setup.invalid.title"))));
            Assert.That(again.Body, Does.Not.Contain("name=\"password\""));
        });

        // Posting the old form again (as a second browser that loaded it earlier would) creates nobody.
        var before = await appliance.Service<Appliance.Core.Identity.IIdentityStore>().CountUsersAsync();
        var token = Forms.FindToken((await Forms.GetAsync(other, "/signin")).Body);
        var post = await Forms.PostAsync(other, link, Forms.Fields(("userName", "mallory"), ("displayName", "Mallory"), ("password", StaffSession.DefaultPassword)), token);
        var after = await appliance.Service<Appliance.Core.Identity.IIdentityStore>().CountUsersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(post.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(post.Location, Is.Null);
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Wrong_bootstrap_token_gets_404_without_a_form()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var client = appliance.CreateClient(new CookieContainer());

        var wrong = await Forms.GetAsync(client, "/setup/" + SecretToken.Generate());
        var garbage = await Forms.GetAsync(client, "/setup/not-a-token");
        var right = await Forms.GetAsync(client, appliance.BootstrapLink!.PathAndQuery);

        Assert.Multiple(() =>
        {
            Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(wrong.Body, Does.Not.Contain("<form method=\"post\" class=\"form\""));
            Assert.That(wrong.Body, Does.Not.Contain(Forms.TokenField));
            Assert.That(wrong.Body, Does.Contain(Encode(T.Get("en", "setup.invalid.title"))));
            Assert.That(garbage.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(garbage.Body, Does.Not.Contain(Forms.TokenField));
            // The real link, by contrast, shows the form.
            Assert.That(right.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(right.Body, Does.Contain(Forms.TokenField));
        });
    }

    [Test]
    public async Task Bootstrap_link_file_is_deleted_once_the_administrator_exists()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var file = Path.Combine(appliance.DataDirectory, Appliance.Host.Operations.BootstrapAnnouncer.FileName);
        Assert.That(File.Exists(file), Is.True, "before the bootstrap the link is in the data folder");
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        using var admin = await StaffSession.BootstrapAsync(appliance);

        Assert.That(File.Exists(file), Is.False);
    }

    [Test]
    public async Task After_the_password_the_administrator_must_enrol_before_anything_else()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var cookies = new CookieContainer();
        using var client = appliance.CreateClient(cookies);
        var setup = await Forms.SubmitAsync(client, appliance.BootstrapLink!.PathAndQuery, Forms.Fields(("userName", "admin"), ("displayName", "Ada"), ("password", StaffSession.DefaultPassword)));
        Assert.That(setup.Location, Does.StartWith("/signin/enrol"));

        var meetings = await Forms.GetAsync(client, "/meetings");
        var tokens = await Forms.GetAsync(client, "/account/tokens");
        var admin = await Forms.GetAsync(client, "/admin/users");
        var enrol = await Forms.GetAsync(client, "/signin/enrol");

        Assert.Multiple(() =>
        {
            Assert.That(meetings.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(meetings.Location, Does.Contain("/signin"));
            Assert.That(tokens.Location, Does.Contain("/signin"));
            Assert.That(admin.Location, Does.Contain("/signin"));
            Assert.That(enrol.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ValueOf(enrol.Body, "totp-secret", "data-secret"), Is.Not.Null.And.Not.Empty);
        });
    }

    [Test]
    public async Task Bootstrap_form_with_a_weak_password_shows_the_error_and_keeps_the_link_usable()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var client = appliance.CreateClient(new CookieContainer());
        var link = appliance.BootstrapLink!.PathAndQuery;

        var page = await Forms.SubmitAsync(client, link, Forms.Fields(("userName", "admin"), ("displayName", "Ada"), ("password", "short")));

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(page.Body), Has.Some.StartsWith(T.Get("en", "field.password")));
            Assert.That(appliance.BootstrapLink, Is.Not.Null);
        });
        Assert.That((await Forms.GetAsync(client, link)).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    private static string Encode(string text) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(text);
}
