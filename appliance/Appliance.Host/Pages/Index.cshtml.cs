using Appliance.Core.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>The front page: staff go on to their meetings, others are told how to get in.</summary>
public sealed class IndexModel : AppPageModel
{
    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Page();
        }

        return Redirect(User.IsInRole(RoleNames.Organiser) ? "/meetings" : User.IsInRole(RoleNames.Operator) ? "/admin" : "/account/tokens");
    }
}
