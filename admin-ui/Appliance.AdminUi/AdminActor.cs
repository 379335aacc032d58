using System.Security.Claims;
using Appliance.Core.Identity;

namespace Appliance.AdminUi;

/// <summary>The signed-in staff member as the domain sees them, read from the session's claims.</summary>
public static class AdminActor
{
    /// <summary>The actor with every role the principal holds; an empty id when not signed in (the domain then refuses).</summary>
    public static StaffActor Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = StaffRoles.None;
        foreach (var claim in user.FindAll(ClaimTypes.Role))
        {
            // Only single, named roles count: a claim "All" or "15" must not grant everything.
            if (Enum.TryParse<StaffRoles>(claim.Value, out var role) && role != StaffRoles.All && Enum.IsDefined(role) && !int.TryParse(claim.Value, out _))
            {
                roles |= role;
            }
        }

        return new StaffActor(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty, user.Identity?.Name ?? string.Empty, roles);
    }

    /// <summary>The first admin page the principal may open (where the header's Administration link leads).</summary>
    public static string HomeOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(RoleNames.Operator) ? "/admin"
            : user.IsInRole(RoleNames.SecurityOfficer) || user.IsInRole(RoleNames.Auditor) ? "/admin/policies"
            : "/admin";
    }

    /// <summary>True when the principal uses some admin page.</summary>
    public static bool UsesAdmin(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(RoleNames.Operator) || user.IsInRole(RoleNames.SecurityOfficer) || user.IsInRole(RoleNames.Auditor);
    }
}
