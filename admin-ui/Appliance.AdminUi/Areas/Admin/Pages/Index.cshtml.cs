using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>The operator's dashboard.</summary>
public sealed class DashboardModel(IApplianceStatus status) : PageModel
{
    public StatusSnapshot? Status { get; private set; }

    public async Task OnGetAsync() => Status = await status.ReadAsync(HttpContext.RequestAborted);
}
