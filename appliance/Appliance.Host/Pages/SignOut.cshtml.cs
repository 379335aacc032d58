using Appliance.Host.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>Signs out (POST only, CSRF-protected, so that a link elsewhere cannot sign anyone out).</summary>
public sealed class SignOutModel : AppPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (StaffAuthentication.ActorOf(User) is { } actor)
        {
            await HttpContext.RequestServices.GetRequiredService<Audit.StaffSignInAudit>().SignedOutAsync(HttpContext, actor.UserId);
        }

        await HttpContext.SignOutAsync(StaffAuthentication.CookieScheme);
        return Redirect("/signin");
    }
}
