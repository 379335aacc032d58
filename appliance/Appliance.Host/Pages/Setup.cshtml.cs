using Appliance.Core.Identity;
using Appliance.Host.Identity;
using Appliance.Host.Operations;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Pages;

/// <summary>The one-time bootstrap: creates the first administrator, who then enrols an authenticator.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SetupModel(LocalAccounts accounts, PendingSignIn pending, BootstrapAnnouncer announcer, ILogger<SetupModel> logger) : AppPageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public bool Valid { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Valid = await accounts.IsBootstrapTokenValidAsync(token, HttpContext.RequestAborted);
        if (!Valid)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        var outcome = await accounts.CompleteBootstrapAsync(token, UserName, DisplayName, Password, HttpContext.RequestAborted);
        Password = null;
        if (outcome.Succeeded)
        {
            announcer.Remove();
            logger.LogWarning("The first administrator {UserId} was created with the bootstrap link", outcome.Value!.Id);
            pending.Begin(Response, outcome.Value.Id);
            return Redirect("/signin/enrol");
        }

        Valid = outcome.Errors is not null;
        if (outcome.Errors is not null)
        {
            AddErrors(outcome.Errors);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
