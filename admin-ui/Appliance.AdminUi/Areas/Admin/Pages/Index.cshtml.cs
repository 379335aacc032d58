using Appliance.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>
/// /admin: the operator's dashboard. Every admin role arrives here (after signing in with returnUrl=/admin, from a
/// bookmark), so security officers and auditors, whose pages are others, are sent on to their first page rather than
/// refused; the dashboard's figures stay the operators'.
/// </summary>
public sealed class DashboardModel(IApplianceStatus status, TimeProvider time) : PageModel
{
    public StatusSnapshot? Status { get; private set; }

    /// <summary>Now, for the certificate's days left.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<IActionResult> OnGetAsync()
    {
        if (!User.IsInRole(RoleNames.Operator))
        {
            return LocalRedirect(AdminActor.HomeOf(User));
        }

        Status = await status.ReadAsync(HttpContext.RequestAborted);
        return Page();
    }
}
