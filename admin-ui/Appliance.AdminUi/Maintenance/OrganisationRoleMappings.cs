namespace Appliance.AdminUi.Maintenance;

/// <summary>One claim value and the roles it gives here.</summary>
/// <param name="Value">The claim value, compared exactly.</param>
/// <param name="Roles">Role names (Organiser, SecurityOfficer, Operator, Auditor).</param>
public sealed record OrganisationRoleMapping(string Value, IReadOnlyList<string> Roles);

/// <summary>
/// How sign-in at the organisation's IdP (OIDC) maps a claim to roles, shown read-only on the users page. The host
/// registers it only when OIDC is enabled; it carries no secret.
/// </summary>
/// <param name="ClaimName">The claim whose values map to roles.</param>
/// <param name="Mappings">Claim value → roles, in configuration order.</param>
public sealed record OrganisationRoleMappings(string ClaimName, IReadOnlyList<OrganisationRoleMapping> Mappings);
