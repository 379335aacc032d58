using Appliance.Core.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>
/// The front page, and where a sign-in without a return address lands: organisers go on to their meetings, operators,
/// security officers and auditors to the admin area, anyone else to their tokens; visitors are told how to get in.
/// </summary>
public sealed class IndexModel : AppPageModel
{
    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Page();
        }

        var admin = User.IsInRole(RoleNames.Operator) || User.IsInRole(RoleNames.SecurityOfficer) || User.IsInRole(RoleNames.Auditor);
        return Redirect(User.IsInRole(RoleNames.Organiser) ? "/meetings" : admin ? "/admin" : "/account/tokens");
    }
}
