using Appliance.Host.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>
/// The first page after a sign-in at the IdP. The way back from the IdP is a cross-site redirect chain, on which
/// browsers withhold the SameSite=Strict session cookie; this page moves on by itself (meta refresh, no script),
/// which is a same-site navigation that carries it.
/// </summary>
public sealed class SignInContinueModel : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string Target => OrganisationSignIn.LocalOrFront(ReturnUrl);

    public void OnGet()
    {
    }
}
