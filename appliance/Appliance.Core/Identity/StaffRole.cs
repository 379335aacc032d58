namespace Appliance.Core.Identity;

/// <summary>The roles a staff member can hold; with OIDC they map from a configured claim.</summary>
[Flags]
public enum StaffRoles
{
    /// <summary>No role: signed in, but allowed nothing.</summary>
    None = 0,

    /// <summary>Books and hosts meetings, invites guests.</summary>
    Organiser = 1,

    /// <summary>Sets what each information class allows.</summary>
    SecurityOfficer = 2,

    /// <summary>Runs the appliance: accounts, certificates, backups.</summary>
    Operator = 4,

    /// <summary>Reads and exports the audit log.</summary>
    Auditor = 8,

    /// <summary>Every role: the bootstrap administrator (the break-glass account).</summary>
    All = Organiser | SecurityOfficer | Operator | Auditor,
}

/// <summary>Names of roles as they appear in claims and policies.</summary>
public static class RoleNames
{
    public const string Organiser = nameof(StaffRoles.Organiser);
    public const string SecurityOfficer = nameof(StaffRoles.SecurityOfficer);
    public const string Operator = nameof(StaffRoles.Operator);
    public const string Auditor = nameof(StaffRoles.Auditor);

    /// <summary>The individual role names held in <paramref name="roles"/>.</summary>
    public static IEnumerable<string> Of(StaffRoles roles)
    {
        if (roles.HasFlag(StaffRoles.Organiser))
        {
            yield return Organiser;
        }

        if (roles.HasFlag(StaffRoles.SecurityOfficer))
        {
            yield return SecurityOfficer;
        }

        if (roles.HasFlag(StaffRoles.Operator))
        {
            yield return Operator;
        }

        if (roles.HasFlag(StaffRoles.Auditor))
        {
            yield return Auditor;
        }
    }
}
