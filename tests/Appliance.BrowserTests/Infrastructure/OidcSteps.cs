using System.Text.RegularExpressions;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>Staff sign-in at the organisation's IdP (the test's oidc-provider), as a person clicks through it.</summary>
internal static partial class OidcSteps
{
    /// <summary>
    /// Opens <paramref name="path"/> without a session, is sent to the staff sign-in page, chooses "Sign in with
    /// &lt;organisation&gt;", signs in at the IdP as <paramref name="login"/> (password and one-time code, the IdP form's
    /// defaults, so multi-factor), allows the appliance at the consent step, and checks the landing address.
    /// </summary>
    public static async Task SignInAtOrganisationAsync(IPage page, string path, string login, Regex landing)
    {
        await page.GotoAsync(path);
        await Expect(page).ToHaveURLAsync(SignInPage());
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {OidcAppliance.OrganisationName}" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test IdP" })).ToBeVisibleAsync();
        await page.GetByLabel("Account").FillAsync(login);
        await Expect(page.GetByLabel("Authentication context (acr)")).ToHaveValueAsync(OidcProvider.HighAcr);
        await Expect(page.GetByLabel("Authentication methods (amr)")).ToHaveValueAsync("pwd otp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(landing);
    }

    [GeneratedRegex("/signin\\?returnUrl=")]
    private static partial Regex SignInPage();
}
