using Appliance.Core.Identity;

namespace Appliance.Host.Configuration;

/// <summary>
/// Staff sign-in at the agency's IdP (section "Appliance:Oidc"): OpenID Connect, authorization code flow with PKCE.
/// Local accounts remain as the fallback and break-glass path whether or not this is enabled.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>Turns sign-in at the IdP on; everything else is only read (and checked) when this is true.</summary>
    public bool Enabled { get; set; }

    /// <summary>The IdP's issuer (https); its metadata is read from <c>/.well-known/openid-configuration</c> below it.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The appliance's client id at the IdP.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret. Prefer <see cref="ClientSecretFile"/>, so that the secret is not in a settings file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A file holding the client secret (for example a systemd credential); surrounding white space is ignored.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>Scopes asked for, separated by spaces; must include <c>openid</c>.</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The claim (in the ID token or from the userinfo endpoint) whose values map to roles, e.g. "roles" or "groups".</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim value → roles here. A person gets the union of the roles of all their values, on every sign-in anew.</summary>
    public IList<RoleMappingOptions> RoleMappings { get; } = [];

    /// <summary>The claim that holds the name shown to others.</summary>
    public string DisplayNameClaim { get; set; } = "name";

    /// <summary>
    /// The <c>acr</c> values accepted, in order of preference (the order is what the appliance asks the IdP for with
    /// <c>acr_values</c>). A sign-in whose acr is not one of them is refused. Empty: acr is not checked.
    /// </summary>
    public IList<string> AcceptedAcrValues { get; } = [];

    /// <summary>Refuse a sign-in whose <c>amr</c> does not show more than one factor ("mfa", or two kinds of factor).</summary>
    public bool RequireMfaAmr { get; set; } = true;

    /// <summary>The name on the sign-in button: "Sign in with …". Empty: "your organisation" in the page's language.</summary>
    public string? OrganisationName { get; set; }

    /// <summary>
    /// A PEM file of the certificate authority (or authorities) that the IdP's TLS certificate must chain to, for an IdP
    /// under the agency's own CA. When set, only these are trusted for the IdP, not the system's store.
    /// </summary>
    public string? TrustedCaCertificateFile { get; set; }

    /// <summary>Ends the local session and also asks the IdP to end its own when it advertises end_session_endpoint.</summary>
    public bool SignOutAtIdp { get; set; } = true;

    /// <summary>The scopes as a list.</summary>
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Checks the settings and reads the client secret. Throws <see cref="InvalidOperationException"/> naming every
    /// setting that is wrong (never a secret's value), so that the operator can fix them in one go.
    /// </summary>
    public string ValidateAndReadSecret(string contentRoot)
    {
        var problems = new List<string>();
        if (Authority is null || !Authority.IsAbsoluteUri)
        {
            problems.Add("Authority must be the IdP's issuer URL, e.g. https://idp.example.org/realms/staff");
        }
        else if (Authority.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"Authority must use https (it is {Authority.Scheme}); the IdP's metadata and keys are trusted only over TLS");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add("ClientId is required");
        }

        string? secret = null;
        if (!string.IsNullOrEmpty(ClientSecret) && !string.IsNullOrEmpty(ClientSecretFile))
        {
            problems.Add("set either ClientSecret or ClientSecretFile, not both");
        }
        else if (!string.IsNullOrEmpty(ClientSecretFile))
        {
            var path = Path.GetFullPath(ClientSecretFile, contentRoot);
            try
            {
                secret = File.ReadAllText(path).Trim();
                if (secret.Length == 0)
                {
                    problems.Add($"ClientSecretFile {path} is empty");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"ClientSecretFile {path} cannot be read ({ex.GetType().Name})");
            }
        }
        else if (!string.IsNullOrEmpty(ClientSecret))
        {
            secret = ClientSecret;
        }
        else
        {
            problems.Add("ClientSecret or ClientSecretFile is required (the appliance is a confidential client)");
        }

        if (!ScopeList.Contains("openid", StringComparer.Ordinal))
        {
            problems.Add("Scopes must include openid");
        }

        if (string.IsNullOrWhiteSpace(RoleClaim))
        {
            problems.Add("RoleClaim is required");
        }

        if (string.IsNullOrWhiteSpace(DisplayNameClaim))
        {
            problems.Add("DisplayNameClaim is required");
        }

        if (RoleMappings.Count == 0)
        {
            problems.Add("RoleMappings is empty: nobody could sign in with a role");
        }

        for (var i = 0; i < RoleMappings.Count; i++)
        {
            var mapping = RoleMappings[i];
            if (string.IsNullOrEmpty(mapping.Value))
            {
                problems.Add($"RoleMappings:{i}:Value is required");
            }

            if (mapping.Roles.Count == 0)
            {
                problems.Add($"RoleMappings:{i}:Roles is empty");
            }

            foreach (var role in mapping.Roles)
            {
                if (ParseRole(role) is null)
                {
                    problems.Add($"RoleMappings:{i}:Roles has '{role}'; roles are {string.Join(", ", RoleNames.Of(StaffRoles.All))}");
                }
            }
        }

        if (AcceptedAcrValues.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("AcceptedAcrValues has an empty value");
        }

        if (AcceptedAcrValues.Count == 0 && !RequireMfaAmr)
        {
            // Local accounts always need a second factor; an IdP sign-in must not become the weaker way in.
            problems.Add("with RequireMfaAmr false, AcceptedAcrValues must name the acr values that prove a strong enough sign-in");
        }

        if (!string.IsNullOrEmpty(TrustedCaCertificateFile) && !File.Exists(Path.GetFullPath(TrustedCaCertificateFile, contentRoot)))
        {
            problems.Add($"TrustedCaCertificateFile {Path.GetFullPath(TrustedCaCertificateFile, contentRoot)} does not exist");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Appliance:Oidc is not valid: " + string.Join("; ", problems) + ".");
        }

        return secret!;
    }

    /// <summary>The rules the sign-in is checked against.</summary>
    public OrganisationSignInRules Rules() => new(
        [.. RoleMappings.Select(m => new RoleMapping(m.Value ?? "", m.Roles.Aggregate(StaffRoles.None, (all, r) => all | (ParseRole(r) ?? StaffRoles.None))))],
        [.. AcceptedAcrValues],
        RequireMfaAmr);

    private static StaffRoles? ParseRole(string name) =>
        name switch
        {
            RoleNames.Organiser => StaffRoles.Organiser,
            RoleNames.SecurityOfficer => StaffRoles.SecurityOfficer,
            RoleNames.Operator => StaffRoles.Operator,
            RoleNames.Auditor => StaffRoles.Auditor,
            _ => null,
        };
}

/// <summary>One IdP claim value and the roles it grants.</summary>
public sealed class RoleMappingOptions
{
    /// <summary>The claim value, compared exactly (e.g. a group's name or object id).</summary>
    public string? Value { get; set; }

    /// <summary>Organiser, SecurityOfficer, Operator and/or Auditor.</summary>
    public IList<string> Roles { get; } = [];
}
