using Appliance.Core.Identity;
using Appliance.Host.Identity;
using Appliance.Host.Operations;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages;

/// <summary>Step two of staff sign-in: the code from the authenticator.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInCodeModel(LocalAccounts accounts, PendingSignIn pending, ApplianceMetrics metrics, ILogger<SignInCodeModel> logger) : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public IActionResult OnGet() => pending.Read(Request) is null ? Redirect("/signin") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var userId = pending.Read(Request);
        if (userId is null)
        {
            return Redirect("/signin");
        }

        var result = await accounts.CheckCodeAsync(userId, Code, HttpContext.RequestAborted);
        metrics.SignIn("code_" + result.Status.ToString().ToLowerInvariant());
        return await SignInFlow.CompleteAsync(this, result, ReturnUrl, logger);
    }

    internal void ShowError(string key) => AddError(key);
}

/// <summary>The end of a sign-in, shared by the code and enrolment pages.</summary>
internal static class SignInFlow
{
    public static async Task<IActionResult> CompleteAsync(AppPageModel page, Appliance.Core.Identity.SignInResult result, string? returnUrl, ILogger logger)
    {
        var context = page.HttpContext;
        var audit = context.RequestServices.GetRequiredService<Audit.StaffSignInAudit>();
        if (result.Status == SignInStatus.SignedIn)
        {
            await audit.SignedInAsync(context, result.User!.Id, "local", ["pwd", "otp"]);
            context.RequestServices.GetRequiredService<PendingSignIn>().End(context.Response);
            await context.SignInAsync(
                StaffAuthentication.CookieScheme,
                StaffAuthentication.PrincipalFor(result.User!, StaffAuthentication.CookieScheme, "pwd", "otp"),
                new AuthenticationProperties { IsPersistent = false });
            logger.LogInformation("Staff member {UserId} signed in with password and one-time code", result.User!.Id);
            return page.LocalRedirect(LanguageCookie.IsLocal(returnUrl) ? returnUrl! : "/");
        }

        // The pending sign-in names the account until a lockout ends it, so it is read first.
        var pendingUser = result.User?.Id ?? context.RequestServices.GetRequiredService<PendingSignIn>().Read(context.Request);
        await audit.FailedAsync(context, pendingUser, "local", "code", result.Status == SignInStatus.LockedOut);
        if (result.Status == SignInStatus.LockedOut)
        {
            context.RequestServices.GetRequiredService<PendingSignIn>().End(context.Response);
            logger.LogWarning("Sign-in refused at the second step: account locked ({Client})", context.Connection.RemoteIpAddress);
        }
        else
        {
            logger.LogWarning("Wrong one-time code ({Client})", context.Connection.RemoteIpAddress);
        }

        page.Errors.Add(Appliance.Core.Localization.Texts.Embedded[result.Status == SignInStatus.LockedOut ? "signin.locked" : "code.failed"]);
        return page.Page();
    }
}
