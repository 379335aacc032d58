using Appliance.Host.Configuration;
using Appliance.Host.Identity;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages;

/// <summary>
/// Starts a sign-in at the agency's IdP. A GET link rather than a form: a form's redirect to the IdP would break the
/// CSP's form-action 'self', and starting a sign-in changes nothing here.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInOrganisationModel(ApplianceOptions options) : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet()
    {
        if (!options.Oidc.Enabled)
        {
            return NotFound();
        }

        return Challenge(new AuthenticationProperties { RedirectUri = OrganisationSignIn.LocalOrFront(ReturnUrl) }, OrganisationSignIn.Scheme);
    }
}
