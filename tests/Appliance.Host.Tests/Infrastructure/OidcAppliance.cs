namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// An appliance whose staff sign in at a real OpenID Provider (<see cref="OidcProvider"/>), with the IdP's "roles" claim
/// mapped to every appliance role. Used by the host's OIDC tests, the authorization matrix and the browser journeys.
/// </summary>
public static class OidcAppliance
{
    /// <summary>The organisation's name as the sign-in page offers it ("Sign in with …").</summary>
    public const string OrganisationName = "Testby Kommune";

    /// <summary>The appliance's OIDC settings against <paramref name="idp"/>.</summary>
    public static Dictionary<string, string> Settings(OidcProvider idp, string secretFile)
    {
        ArgumentNullException.ThrowIfNull(idp);
        return new()
        {
            ["Appliance:Oidc:Enabled"] = "true",
            ["Appliance:Oidc:Authority"] = idp.Issuer.AbsoluteUri,
            ["Appliance:Oidc:ClientId"] = "appliance",
            ["Appliance:Oidc:ClientSecretFile"] = secretFile,
            ["Appliance:Oidc:Scopes"] = "openid profile roles",
            ["Appliance:Oidc:RoleClaim"] = "roles",
            ["Appliance:Oidc:RoleMappings:0:Value"] = "meeting-organisers",
            ["Appliance:Oidc:RoleMappings:0:Roles:0"] = "Organiser",
            ["Appliance:Oidc:RoleMappings:1:Value"] = "security-officers",
            ["Appliance:Oidc:RoleMappings:1:Roles:0"] = "SecurityOfficer",
            ["Appliance:Oidc:RoleMappings:2:Value"] = "it-operations",
            ["Appliance:Oidc:RoleMappings:2:Roles:0"] = "Operator",
            ["Appliance:Oidc:RoleMappings:3:Value"] = "internal-audit",
            ["Appliance:Oidc:RoleMappings:3:Roles:0"] = "Auditor",
            ["Appliance:Oidc:AcceptedAcrValues:0"] = OidcProvider.HighAcr,
            ["Appliance:Oidc:AcceptedAcrValues:1"] = OidcProvider.SubstantialAcr,
            ["Appliance:Oidc:RequireMfaAmr"] = "true",
            ["Appliance:Oidc:OrganisationName"] = OrganisationName,
            ["Appliance:Oidc:TrustedCaCertificateFile"] = idp.CertificateFile,
        };
    }

    /// <summary>
    /// Starts an IdP and an appliance that signs staff in there, with the appliance registered as the IdP's client.
    /// Dispose the appliance first, then the IdP.
    /// </summary>
    public static async Task<(OidcProvider Idp, TestAppliance Appliance)> StartAsync()
    {
        var idp = await OidcProvider.StartAsync();
        try
        {
            var secretFile = Path.Combine(Path.GetDirectoryName(idp.CertificateFile)!, "client-secret");
            const string secret = "test-client-secret-0123456789abcdef";
            await File.WriteAllTextAsync(secretFile, secret + "\n");
            var appliance = await TestAppliance.StartAsync(Settings(idp, secretFile));
            await idp.RegisterClientAsync("appliance", secret, appliance.BaseAddress);
            return (idp, appliance);
        }
        catch
        {
            await idp.DisposeAsync();
            throw;
        }
    }
}
