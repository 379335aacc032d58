using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>The operator's dashboard.</summary>
public sealed class DashboardModel(IApplianceStatus status, TimeProvider time) : PageModel
{
    public StatusSnapshot? Status { get; private set; }

    /// <summary>Now, for the certificate's days left.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task OnGetAsync() => Status = await status.ReadAsync(HttpContext.RequestAborted);
}
