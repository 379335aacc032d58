using Appliance.Host.Configuration;
using Appliance.Host.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>
/// Signs out (POST only, CSRF-protected, so that a link elsewhere cannot sign anyone out). The session here always
/// ends; after a sign-in at the IdP, the page then takes the browser to the IdP's end_session_endpoint (when it has
/// one) by a same-page navigation, since a form's redirect to another origin would break the CSP's form-action 'self'.
/// </summary>
public sealed class SignOutModel(ApplianceOptions options) : AppPageModel
{
    /// <summary>The IdP's end-session request (RP-initiated logout), when the IdP is to be told.</summary>
    public string? EndSessionUrl { get; private set; }

    public string OrganisationName => OrganisationDisplay.NameOf(options.Oidc);

    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        var signedInAtIdp = User.FindFirst(StaffAuthentication.MethodClaim)?.Value == StaffAuthentication.OidcMethod;
        if (StaffAuthentication.ActorOf(User) is { } actor)
        {
            await HttpContext.RequestServices.GetRequiredService<Audit.StaffSignInAudit>().SignedOutAsync(HttpContext, actor.UserId);
        }

        await HttpContext.SignOutAsync(StaffAuthentication.CookieScheme);
        if (!signedInAtIdp || !options.Oidc.Enabled || !options.Oidc.SignOutAtIdp ||
            await OrganisationSignIn.EndSessionEndpointAsync(HttpContext) is not { } endpoint)
        {
            return Redirect("/signin");
        }

        // No id_token_hint (no tokens are kept): the client id lets the IdP accept the way back to our sign-in page.
        var back = (options.PublicUrl is { } publicUrl ? publicUrl.GetLeftPart(UriPartial.Authority) : $"{Request.Scheme}://{Request.Host}") + "/signin";
        var separator = string.IsNullOrEmpty(endpoint.Query) ? "?" : "&";
        EndSessionUrl = endpoint.AbsoluteUri + separator +
            "client_id=" + Uri.EscapeDataString(options.Oidc.ClientId ?? "") +
            "&post_logout_redirect_uri=" + Uri.EscapeDataString(back);
        return Page();
    }
}
