using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Appliance.Core.Identity;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Appliance.Host.Identity;

/// <summary>
/// Staff sign-in at the agency's IdP: OpenID Connect, authorization code flow with PKCE, state and nonce as the
/// framework's handler does them. The IdP's answer becomes the same session cookie a local sign-in gets, for an
/// account here that is linked to the person by issuer and subject.
/// </summary>
public static class OrganisationSignIn
{
    /// <summary>The authentication scheme of the IdP.</summary>
    public const string Scheme = "Organisation";

    /// <summary>Where the IdP sends the browser back with the code (register it at the IdP).</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the IdP sends the browser back after signing out there (register it at the IdP).</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>Starts a sign-in at the IdP.</summary>
    public const string StartPath = "/signin/organisation";

    /// <summary>The page that says why a sign-in at the IdP was refused.</summary>
    public const string RefusedPath = "/signin/refused";

    /// <summary>Registers the OIDC scheme, for settings already checked by <see cref="OidcOptions.ValidateAndReadSecret"/>.</summary>
    public static void Add(AuthenticationBuilder authentication, IServiceCollection services, OidcOptions settings, string secret, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(settings);
        var rules = settings.Rules();
        services.AddSingleton(s => new OrganisationAccounts(s.GetRequiredService<IIdentityStore>(), s.GetRequiredService<TimeProvider>(), rules));

        authentication.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = settings.Authority!.AbsoluteUri.TrimEnd('/');
            o.RequireHttpsMetadata = true;
            o.ClientId = settings.ClientId;
            o.ClientSecret = secret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            // The code comes back in the query of a top-level GET: the correlation and nonce cookies can then be
            // SameSite=Lax, and the callback needs no auto-posting form (which the CSP would have to allow).
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.Scope.Clear();
            foreach (var scope in settings.ScopeList)
            {
                o.Scope.Add(scope);
            }

            o.SignInScheme = StaffAuthentication.CookieScheme;
            o.CallbackPath = CallbackPath;
            o.SignedOutCallbackPath = SignedOutCallbackPath;
            // Tokens are not kept: the appliance calls nothing on the person's behalf, so it should not hold their tokens.
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.NameClaimType = settings.DisplayNameClaim;
            o.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            // The framework drops acr by default; here it decides whether the sign-in is accepted.
            o.ClaimActions.Remove("acr");
            o.ClaimActions.Remove("amr");
            o.ClaimActions.MapJsonKey(settings.RoleClaim, settings.RoleClaim);
            o.ClaimActions.MapUniqueJsonKey(settings.DisplayNameClaim, settings.DisplayNameClaim);

            ConfigureCookie(o.CorrelationCookie, "__Host-appliance-oidc-correlation.");
            ConfigureCookie(o.NonceCookie, "__Host-appliance-oidc-nonce.");

            if (!string.IsNullOrEmpty(settings.TrustedCaCertificateFile))
            {
                o.BackchannelHttpHandler = TrustingOnly(Path.GetFullPath(settings.TrustedCaCertificateFile, contentRoot));
            }

            o.Events.OnRedirectToIdentityProvider = context =>
            {
                if (settings.AcceptedAcrValues.Count > 0)
                {
                    // A request, not a guarantee: the answer's acr is checked when it comes back.
                    context.ProtocolMessage.AcrValues = string.Join(' ', settings.AcceptedAcrValues);
                }

                return Task.CompletedTask;
            };
            o.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                // No ID token is kept for id_token_hint; the client id lets the IdP honour post_logout_redirect_uri.
                context.ProtocolMessage.ClientId = settings.ClientId;
                return Task.CompletedTask;
            };
            o.Events.OnTicketReceived = context => CompleteAsync(context, settings);
            o.Events.OnRemoteFailure = context =>
            {
                var logger = Logger(context.HttpContext);
                // The failure's type and message (e.g. "Correlation failed", an IdP error code) but never the query, which holds the code.
                logger.LogWarning("Sign-in at the IdP refused: {Failure} {FailureMessage} ({Client})",
                    context.Failure?.GetType().Name, context.Failure?.Message, context.HttpContext.Connection.RemoteIpAddress);
                Metrics(context.HttpContext).SignIn("oidc_failed");
                context.Response.Redirect(RefusedPath + "?reason=failed");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>
    /// A return address that stays on this site, also for browsers that drop tabs and line breaks from addresses
    /// ("/\t/evil.example" would become "//evil.example"); anything else reads as the front page, which sends each
    /// person on by role.
    /// </summary>
    public static string LocalOrFront(string? url) =>
        LanguageCookie.IsLocal(url) && !url!.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\') ? url! : "/";

    /// <summary>True when the IdP advertises where to end its own session.</summary>
    public static async Task<Uri?> EndSessionEndpointAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>().Get(Scheme);
        if (options.ConfigurationManager is null)
        {
            return null;
        }

        try
        {
            var configuration = await options.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
            return Uri.TryCreate(configuration.EndSessionEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null;
        }
        catch (InvalidOperationException ex)
        {
            Logger(context).LogWarning("The IdP's metadata could not be read for sign-out: {Failure}", ex.Message);
            return null;
        }
    }

    private static async Task CompleteAsync(TicketReceivedContext context, OidcOptions settings)
    {
        var principal = context.Principal!;
        var logger = Logger(context.HttpContext);
        var metrics = Metrics(context.HttpContext);
        var subjectClaim = principal.FindFirst("sub");
        if (subjectClaim is null)
        {
            Refuse(context, "failed");
            logger.LogWarning("Sign-in at the IdP refused: no subject in the ID token ({Client})", context.HttpContext.Connection.RemoteIpAddress);
            metrics.SignIn("oidc_failed");
            return;
        }

        // The sub claim comes from the validated ID token, whose issuer the handler checked against the IdP's metadata.
        var identity = new OrganisationIdentity(
            Issuer: subjectClaim.Issuer,
            Subject: subjectClaim.Value,
            DisplayName: principal.FindFirst(settings.DisplayNameClaim)?.Value,
            RoleClaimValues: [.. principal.FindAll(settings.RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal)],
            Acr: principal.FindFirst("acr")?.Value,
            Amr: [.. principal.FindAll("amr").Select(c => c.Value).Distinct(StringComparer.Ordinal)]);

        var accounts = context.HttpContext.RequestServices.GetRequiredService<OrganisationAccounts>();
        var result = await accounts.SignInAsync(identity, context.HttpContext.RequestAborted);
        metrics.SignIn("oidc_" + result.Status.ToString().ToLowerInvariant());
        var signInAudit = context.HttpContext.RequestServices.GetRequiredService<Audit.StaffSignInAudit>();
        if (result.Status == OrganisationSignInStatus.SignedIn)
        {
            await signInAudit.SignedInAsync(context.HttpContext, result.User!.Id, StaffAuthentication.OidcMethod, identity.Amr, identity.Acr);
        }
        else
        {
            // The refusal's kind is the step: too weak, no mapped role, disabled here. Never the IdP's tokens.
            await signInAudit.FailedAsync(context.HttpContext, result.User?.Id, StaffAuthentication.OidcMethod, result.Status.ToString().ToLowerInvariant(), lockedOut: false);
        }

        switch (result.Status)
        {
            case OrganisationSignInStatus.SignedIn:
                var user = result.User!;
                context.Principal = StaffAuthentication.PrincipalFor(user, StaffAuthentication.CookieScheme, StaffAuthentication.OidcMethod, identity.Acr, identity.Amr);
                context.Properties!.IsPersistent = false;
                // The framework's redirect target: a page of ours that moves on by itself, so that the SameSite=Strict
                // session cookie is sent (it is not on the redirect chain that began at the IdP).
                context.ReturnUri = "/signin/continue?returnUrl=" + Uri.EscapeDataString(LocalOrFront(context.ReturnUri));
                logger.LogInformation("Staff member {UserId} signed in at the IdP with acr {Acr} and amr {Amr}", user.Id, identity.Acr, identity.Amr);
                return;
            case OrganisationSignInStatus.TooWeak:
                logger.LogWarning(
                    "Sign-in at the IdP refused: not strong enough (acr {Acr}, amr {Amr}; accepted acr {AcceptedAcr}, MFA required {RequireMfa}) for subject {Subject} ({Client})",
                    identity.Acr, identity.Amr, settings.AcceptedAcrValues, settings.RequireMfaAmr, identity.Subject, context.HttpContext.Connection.RemoteIpAddress);
                Refuse(context, "weak");
                return;
            case OrganisationSignInStatus.NoRole:
                logger.LogWarning("Sign-in at the IdP refused: no mapped role in claim {RoleClaim} for subject {Subject} ({Client})",
                    settings.RoleClaim, identity.Subject, context.HttpContext.Connection.RemoteIpAddress);
                Refuse(context, "norole");
                return;
            case OrganisationSignInStatus.Disabled:
                logger.LogWarning("Sign-in at the IdP refused: account {UserId} is disabled here ({Client})",
                    result.User?.Id, context.HttpContext.Connection.RemoteIpAddress);
                Refuse(context, "disabled");
                return;
            default:
                throw new InvalidOperationException($"Unknown sign-in status {result.Status}.");
        }
    }

    private static void Refuse(TicketReceivedContext context, string reason)
    {
        context.Response.Redirect(RefusedPath + "?reason=" + reason);
        context.HandleResponse();
    }

    private static void ConfigureCookie(CookieBuilder cookie, string name)
    {
        // __Host- demands Secure, Path=/ and no Domain. Lax, not Strict: the cookie must come along on the top-level
        // GET back from the IdP, which is a cross-site navigation.
        cookie.Name = name;
        cookie.Path = "/";
        cookie.Domain = null;
        cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.HttpOnly = true;
        cookie.SameSite = SameSiteMode.Lax;
    }

    // For an IdP under the agency's own CA: its certificate must chain to one of these, whatever the system trusts.
    private static SocketsHttpHandler TrustingOnly(string pemFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(pemFile);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"Appliance:Oidc:TrustedCaCertificateFile {pemFile} holds no certificate.");
        }

        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    // A wrong host name stays fatal; only the chain is judged against the configured authorities.
                    if (certificate is not X509Certificate2 leaf || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(leaf);
                },
            },
        };
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrganisationSignIn).FullName!);

    private static Operations.ApplianceMetrics Metrics(HttpContext context) =>
        context.RequestServices.GetRequiredService<Operations.ApplianceMetrics>();
}
