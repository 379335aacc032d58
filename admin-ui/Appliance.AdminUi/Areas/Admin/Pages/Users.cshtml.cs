using System.Security.Claims;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>Local staff accounts: list and create (operators only).</summary>
public sealed class UsersModel(LocalAccounts accounts, IIdentityStore store, ILogger<UsersModel> logger) : PageModel
{
    public IReadOnlyList<StaffUser> Users { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public string? Created { get; private set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [RoleNames.Organiser];

    /// <summary>The operator's own account, which cannot be disabled from here.</summary>
    public string? CurrentUserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    public async Task OnGetAsync() => Users = await store.ListUsersAsync(HttpContext.RequestAborted);

    public Task<IActionResult> OnPostDisableAsync(string? userId) => SetDisabledAsync(userId, disabled: true);

    public Task<IActionResult> OnPostEnableAsync(string? userId) => SetDisabledAsync(userId, disabled: false);

    private async Task<IActionResult> SetDisabledAsync(string? userId, bool disabled)
    {
        var outcome = await accounts.SetDisabledAsync(Actor(), userId, disabled, HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            logger.LogInformation("Staff account {TargetUserId} {Change} by {UserId}", outcome.Value!.Id, disabled ? "disabled" : "enabled", CurrentUserId);
            return Redirect("/admin/users");
        }

        Errors.Add(Texts.Embedded[outcome.Message ?? "access.not_allowed"]);
        Users = await store.ListUsersAsync(HttpContext.RequestAborted);
        return Page();
    }

    private StaffActor Actor() => new(
        CurrentUserId ?? "",
        User.Identity?.Name ?? "",
        User.IsInRole(RoleNames.Operator) ? StaffRoles.Operator : StaffRoles.None);

    public async Task<IActionResult> OnPostAsync()
    {
        var texts = Texts.Embedded;
        var roles = StaffRoles.None;
        foreach (var name in Roles)
        {
            if (Enum.TryParse<StaffRoles>(name, out var role) && role != StaffRoles.All && Enum.IsDefined(role) && !int.TryParse(name, out _))
            {
                roles |= role;
            }
            else
            {
                Errors.Add(texts["field.roles"] + ": " + texts["validation.invalid_role"]);
            }
        }

        var actor = Actor();
        if (Errors.Count == 0)
        {
            var outcome = await accounts.CreateUserAsync(actor, UserName, DisplayName, Password, roles, HttpContext.RequestAborted);
            if (outcome.Succeeded)
            {
                logger.LogInformation("Staff account {NewUserId} created by {UserId}", outcome.Value!.Id, actor.UserId);
                Created = outcome.Value.UserName;
                UserName = DisplayName = null;
            }
            else if (outcome.Errors is not null)
            {
                Errors.AddRange(outcome.Errors.All().Select(e => texts["field." + e.Field] + ": " + texts[e.Message]));
            }
            else
            {
                Errors.Add(texts[outcome.Message!]);
            }
        }

        Password = null;
        Users = await store.ListUsersAsync(HttpContext.RequestAborted);
        return Page();
    }
}
