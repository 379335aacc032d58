using Appliance.Core.Identity;
using Appliance.Host.Configuration;
using Appliance.Host.Identity;
using Appliance.Host.Operations;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages;

/// <summary>Step one of staff sign-in: user name and password.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInModel(LocalAccounts accounts, PendingSignIn pending, ApplianceMetrics metrics, ApplianceOptions options, ILogger<SignInModel> logger) : AppPageModel
{
    /// <summary>True when staff can sign in at the agency's IdP; the local form stays beside it (break-glass).</summary>
    public bool OrganisationSignIn => options.Oidc.Enabled;

    /// <summary>The organisation on the IdP button.</summary>
    public string OrganisationName => OrganisationDisplay.NameOf(options.Oidc);

    /// <summary>Starts the sign-in at the IdP, carrying the page to return to.</summary>
    public string OrganisationSignInUrl => Identity.OrganisationSignIn.StartPath + "?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await accounts.CheckPasswordAsync(UserName, Password, HttpContext.RequestAborted);
        metrics.SignIn(result.Status.ToString().ToLowerInvariant());
        switch (result.Status)
        {
            case SignInStatus.NeedsCode:
                pending.Begin(Response, result.User!.Id);
                return Redirect("/signin/code?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl));
            case SignInStatus.NeedsEnrolment:
                pending.Begin(Response, result.User!.Id);
                return Redirect("/signin/enrol?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl));
            case SignInStatus.LockedOut:
                logger.LogWarning("Sign-in refused: account locked ({Client})", HttpContext.Connection.RemoteIpAddress);
                await HttpContext.RequestServices.GetRequiredService<Audit.StaffSignInAudit>().FailedAsync(HttpContext, result.User?.Id, "local", "password", lockedOut: true);
                AddError("signin.locked");
                return Page();
            case SignInStatus.Failed:
            case SignInStatus.SignedIn:
            default:
                logger.LogWarning("Sign-in failed ({Client})", HttpContext.Connection.RemoteIpAddress);
                await HttpContext.RequestServices.GetRequiredService<Audit.StaffSignInAudit>().FailedAsync(HttpContext, result.User?.Id, "local", "password", lockedOut: false);
                AddError("signin.failed");
                Password = null;
                return Page();
        }
    }

    private string SafeReturnUrl => LanguageCookie.IsLocal(ReturnUrl) ? ReturnUrl! : "/";
}
