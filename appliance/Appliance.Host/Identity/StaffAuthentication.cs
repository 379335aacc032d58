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
    public const string SecurityOfficerPolicy = "security-officer";
    public const string AuditorPolicy = "auditor";
    public const string ApiPolicy = "api-organiser";

    /// <summary>Any role that uses some page of /admin (operator, security officer, auditor); each page narrows it.</summary>
    public const string AdminAreaPolicy = "admin-area";

    /// <summary>The policies page: security officers change, auditors read.</summary>
    public const string PolicyReaderPolicy = "policy-reader";

    /// <summary>The audit page: auditors and security officers read and export, operators verify.</summary>
    public const string AuditReaderPolicy = "audit-reader";
    public const string StampClaim = "appliance:stamp";

    /// <summary>How the session began: <see cref="LocalMethod"/>, <see cref="OidcMethod"/> or <see cref="ApiMethod"/>.</summary>
    public const string MethodClaim = "appliance:method";
    public const string LocalMethod = "local";
    public const string OidcMethod = "oidc";
    public const string ApiMethod = "api";

    /// <summary>The IdP's authentication context class (OIDC sign-ins only), for the policy's authentication-strength check.</summary>
    public const string AcrClaim = "acr";

    /// <summary>Authentication methods (RFC 8176): "pwd"/"otp" for local sign-in, the IdP's amr for OIDC.</summary>
    public const string AmrClaim = "amr";

    /// <summary>Registers the schemes and policies; returns the builder so that sign-in at the IdP can be added.</summary>
    public static AuthenticationBuilder Add(IServiceCollection services)
    {
        var authentication = services.AddAuthentication(CookieScheme)
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
            .AddPolicy(SecurityOfficerPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.SecurityOfficer))
            .AddPolicy(AuditorPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Auditor))
            .AddPolicy(AdminAreaPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Operator, RoleNames.SecurityOfficer, RoleNames.Auditor))
            .AddPolicy(PolicyReaderPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.SecurityOfficer, RoleNames.Auditor))
            .AddPolicy(AuditReaderPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(RoleNames.Auditor, RoleNames.SecurityOfficer, RoleNames.Operator))
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiTokenHandler.SchemeName).RequireRole(RoleNames.Organiser));
        return authentication;
    }

    /// <summary>The claims of a staff member signed in with a local account.</summary>
    public static ClaimsPrincipal PrincipalFor(StaffUser user, string scheme, params string[] methods) =>
        PrincipalFor(user, scheme, LocalMethod, acr: null, methods);

    /// <summary>
    /// The claims of a signed-in staff member, the same shape however they signed in; <paramref name="method"/> says how,
    /// <paramref name="acr"/> and <paramref name="amr"/> how strongly.
    /// </summary>
    public static ClaimsPrincipal PrincipalFor(StaffUser user, string scheme, string method, string? acr, IEnumerable<string> amr)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(amr);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.DisplayName),
            new("preferred_username", user.UserName),
            new(StampClaim, user.SecurityStamp),
            new(MethodClaim, method),
        };
        claims.AddRange(RoleNames.Of(user.Roles).Select(r => new Claim(ClaimTypes.Role, r)));
        if (!string.IsNullOrEmpty(acr))
        {
            claims.Add(new Claim(AcrClaim, acr));
        }

        claims.AddRange(amr.Distinct(StringComparer.Ordinal).Select(m => new Claim(AmrClaim, m)));
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
