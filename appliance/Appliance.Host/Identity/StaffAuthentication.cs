using System.Security.Claims;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Appliance.Host.Identity;

/// <summary>
/// Staff sign-in: a session cookie for the pages (secure, HttpOnly, SameSite=Strict, ended when the account's
/// security stamp changes) and personal bearer tokens for the REST API, which never accepts the cookie (no CSRF).
/// </summary>
public static class StaffAuthentication
{
    public const string CookieScheme = "Staff";
    public const string StaffPolicy = "staff";
    public const string OrganiserPolicy = "organiser";
    public const string OperatorPolicy = "operator";
    public const string ApiPolicy = "api-organiser";

    /// <summary>Any role that uses some page of /admin (operator, security officer, auditor); each page narrows it.</summary>
    public const string AdminAreaPolicy = "admin-area";

    /// <summary>The policies page: security officers change, auditors read.</summary>
    public const string PolicyReaderPolicy = "policy-reader";

    /// <summary>The audit page: auditors and security officers read and export, operators verify.</summary>
    public const string AuditReaderPolicy = "audit-reader";
    public const string StampClaim = "appliance:stamp";

    /// <summary>Registers the schemes and policies.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication(CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "__Host-appliance-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = ValidateAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, _ => { });

        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser())
            .AddPolicy(OrganiserPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Organiser))
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Operator))
            .AddPolicy(AdminAreaPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Operator, RoleNames.SecurityOfficer, RoleNames.Auditor))
            .AddPolicy(PolicyReaderPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.SecurityOfficer, RoleNames.Auditor))
            .AddPolicy(AuditReaderPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Auditor, RoleNames.SecurityOfficer, RoleNames.Operator))
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiTokenHandler.SchemeName).RequireRole(RoleNames.Organiser));
    }

    /// <summary>The claims of a signed-in staff member.</summary>
    public static ClaimsPrincipal PrincipalFor(StaffUser user, string scheme, params string[] methods)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.DisplayName),
            new("preferred_username", user.UserName),
            new(StampClaim, user.SecurityStamp),
        };
        claims.AddRange(RoleNames.Of(user.Roles).Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(methods.Select(m => new Claim("amr", m)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The actor for domain operations, from a signed-in principal.</summary>
    public static StaffActor? ActorOf(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (principal.Identity?.IsAuthenticated != true || id is null)
        {
            return null;
        }

        var roles = StaffRoles.None;
        foreach (var role in principal.FindAll(ClaimTypes.Role))
        {
            if (Enum.TryParse<StaffRoles>(role.Value, out var parsed) && parsed != StaffRoles.All)
            {
                roles |= parsed;
            }
        }

        return new StaffActor(id, principal.FindFirstValue(ClaimTypes.Name) ?? "", roles);
    }

    // Every request re-reads the account: a disabled account or a changed password ends its sessions at once.
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        var store = context.HttpContext.RequestServices.GetRequiredService<IIdentityStore>();
        var user = id is null ? null : await store.FindUserByIdAsync(id, context.HttpContext.RequestAborted);
        if (user is null || user.Disabled || !string.Equals(user.SecurityStamp, stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}
