namespace Appliance.Core.Identity;

/// <summary>The signed-in staff member on whose behalf an operation runs.</summary>
public sealed record StaffActor(string UserId, string DisplayName, StaffRoles Roles)
{
    /// <summary>True when the actor holds the role.</summary>
    public bool Has(StaffRoles role) => (Roles & role) == role;
}
