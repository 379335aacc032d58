using System.Security.Claims;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>Local staff accounts: list and create (operators only).</summary>
public sealed class UsersModel(LocalAccounts accounts, IIdentityStore store, IAuditLog audit, IEnumerable<OrganisationRoleMappings> organisation, ILogger<UsersModel> logger) : PageModel
{
    /// <summary>The OIDC role mappings, read-only; null when sign-in at the organisation is not enabled.</summary>
    public OrganisationRoleMappings? RoleMappings { get; } = organisation.FirstOrDefault();

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

    /// <summary>
    /// Changes the roles of a local account. The change ends the person's sessions (new security stamp); the next
    /// sign-in carries the new roles. Accounts linked to the IdP get their roles from it and are refused.
    /// </summary>
    public async Task<IActionResult> OnPostRolesAsync(string? userId, List<string>? newRoles)
    {
        var texts = Texts.Embedded;
        var roles = StaffRoles.None;
        var valid = true;
        foreach (var name in newRoles ?? [])
        {
            if (Enum.TryParse<StaffRoles>(name, out var role) && role != StaffRoles.All && role != StaffRoles.None && Enum.IsDefined(role) && !int.TryParse(name, out _))
            {
                roles |= role;
            }
            else
            {
                valid = false;
            }
        }

        if (!valid || roles == StaffRoles.None)
        {
            Errors.Add(texts["field.roles"] + ": " + texts[valid ? "admin.user.roles.none" : "validation.invalid_role"]);
            Users = await store.ListUsersAsync(HttpContext.RequestAborted);
            return Page();
        }

        var actor = Actor();
        var outcome = await accounts.SetRolesAsync(actor, userId, roles, HttpContext.RequestAborted);
        var target = Ids.LooksValid(userId) ? userId! : string.Empty;
        await audit.AppendAsync(
            new AuditEvent(actor.UserId, AuditAction.RolesChanged, target, outcome.Succeeded ? AuditOutcome.Success : AuditOutcome.Denied,
                new Dictionary<string, string> { ["roles"] = roles.ToString() }),
            HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            logger.LogInformation("Roles of staff account {TargetUserId} set to {Roles} by {UserId}", outcome.Value!.Id, roles, actor.UserId);
            return Redirect("/admin/users");
        }

        Errors.Add(texts[outcome.Message ?? "access.not_allowed"]);
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
