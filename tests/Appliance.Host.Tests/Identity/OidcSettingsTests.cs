using System.Net;
using Appliance.Host.Configuration;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Identity;

/// <summary>The OIDC settings: checked at start with every problem named, and no IdP button while OIDC is off.</summary>
[TestFixture]
public sealed class OidcSettingsTests
{
    [Test]
    public async Task Without_oidc_the_sign_in_page_has_no_idp_button_and_the_idp_paths_do_not_exist()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var client = appliance.CreateClient(new CookieContainer());
        var page = await Forms.GetAsync(client, "/signin");
        var start = await Forms.GetAsync(client, "/signin/organisation");
        var callback = await Forms.GetAsync(client, "/signin-oidc?code=x&state=y");
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Not.Contain("signin-organisation"));
            Assert.That(page.Body, Does.Contain("name=\"password\""));
            Assert.That(start.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(callback.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [TestCase("%2Fadmin%2Fusers", "/admin/users")]
    [TestCase("%2F%09%2Fevil.example", "/")]
    [TestCase("%2F%5Cevil.example", "/")]
    [TestCase("%2F%2Fevil.example", "/")]
    [TestCase("https%3A%2F%2Fevil.example%2F", "/")]
    public async Task Page_after_the_idp_moves_on_only_within_the_appliance(string returnUrl, string target)
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var client = appliance.CreateClient(new CookieContainer());
        var page = await Forms.GetAsync(client, "/signin/continue?returnUrl=" + returnUrl);
        Assert.Multiple(() =>
        {
            Assert.That(Forms.ValueOf(page.Body, "continue", "href"), Is.EqualTo(target));
            Assert.That(WebUtility.HtmlDecode(page.Body), Does.Contain($"<meta http-equiv=\"refresh\" content=\"0;url={target}\">"));
        });
    }

    [Test]
    public void Wrong_settings_stop_the_start_naming_every_problem_and_no_secret()
    {
        var settings = new Dictionary<string, string>
        {
            ["Appliance:Oidc:Enabled"] = "true",
            ["Appliance:Oidc:Authority"] = "http://idp.example.org/realms/staff",
            ["Appliance:Oidc:ClientSecret"] = "very-secret-value",
            ["Appliance:Oidc:Scopes"] = "profile",
            ["Appliance:Oidc:RoleMappings:0:Value"] = "staff",
            ["Appliance:Oidc:RoleMappings:0:Roles:0"] = "Administrator",
            ["Appliance:Oidc:RequireMfaAmr"] = "false",
        };
        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await TestAppliance.StartAsync(settings));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Appliance:Oidc is not valid: "));
            Assert.That(error.Message, Does.Contain("Authority must use https"));
            Assert.That(error.Message, Does.Contain("ClientId is required"));
            Assert.That(error.Message, Does.Contain("Scopes must include openid"));
            Assert.That(error.Message, Does.Contain("RoleMappings:0:Roles has 'Administrator'"));
            Assert.That(error.Message, Does.Contain("AcceptedAcrValues must name"));
            Assert.That(error.Message, Does.Not.Contain("very-secret-value"));
        });
    }

    [Test]
    public void Client_secret_is_read_from_its_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  from-the-file \n");
            var options = new OidcOptions { Enabled = true, Authority = new Uri("https://idp.example.org"), ClientId = "appliance", ClientSecretFile = file };
            options.RoleMappings.Add(new RoleMappingOptions { Value = "staff", Roles = { "Organiser" } });
            Assert.That(options.ValidateAndReadSecret(Path.GetTempPath()), Is.EqualTo("from-the-file"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
