using System.Security.Claims;
using Appliance.Core.Identity;
using Appliance.Host.Configuration;
using Appliance.Host.Identity;

namespace Appliance.Host.Pages;

/// <summary>
/// Shown when a signed-in person lacks the role for a page: says which roles they have here and who can change that
/// (an operator for a local account; the organisation's IdP, whose claim the roles are mapped from, after an OIDC sign-in).
/// </summary>
public sealed class DeniedModel(ApplianceOptions options) : AppPageModel
{
    /// <summary>The roles of the session (the names the appliance knows), in the order of <see cref="RoleNames"/>.</summary>
    public IReadOnlyList<string> Roles =>
        [.. RoleNames.Of(StaffRoles.All).Where(r => User.HasClaim(ClaimTypes.Role, r))];

    /// <summary>True when the session began at the organisation's IdP, which is then where roles are given.</summary>
    public bool FromOrganisation => User.HasClaim(StaffAuthentication.MethodClaim, StaffAuthentication.OidcMethod);

    public string OrganisationName => OrganisationDisplay.NameOf(options.Oidc);

    public bool SignedIn => User.Identity?.IsAuthenticated == true;
}
