using System.Net;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Identity;

/// <summary>The account page where staff make personal API tokens.</summary>
public sealed class ApiTokenPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;

    [TestCase("", "30", "field.name", "validation.required", TestName = "Token_form_without_a_name_shows_the_error_and_issues_nothing")]
    [TestCase("Case system", "0", "field.lifetimeDays", "validation.invalid_expiry", TestName = "Token_form_with_zero_days_shows_the_error_and_issues_nothing")]
    [TestCase("Case system", "400", "field.lifetimeDays", "validation.invalid_expiry", TestName = "Token_form_with_more_than_a_year_shows_the_error_and_issues_nothing")]
    public async Task Invalid_token_form_shows_the_error_and_issues_nothing(string name, string days, string field, string message)
    {
        var page = await Forms.SubmitAsync(Admin.Client, "/account/tokens", Forms.Fields(("Name", name), ("Days", days)), "/account/tokens?handler=Create");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(page.Body), Does.Contain($"{T.Get("en", field)}: {T.Get("en", message)}"));
            Assert.That(page.Body, Does.Not.Contain("id=\"new-token\""));
        });
    }

    [Test]
    public async Task A_new_token_is_shown_once_and_then_only_listed_by_name()
    {
        var token = await Admin.CreateApiTokenAsync("Shown once");

        var again = await Forms.GetAsync(Admin.Client, "/account/tokens");

        Assert.Multiple(() =>
        {
            Assert.That(global::Appliance.Crypto.SecretToken.LooksValid(token), Is.True);
            Assert.That(again.Body, Does.Contain("Shown once"));
            Assert.That(again.Body, Does.Not.Contain(token));
            Assert.That(again.Body, Does.Not.Contain("id=\"new-token\""));
        });
    }
}
