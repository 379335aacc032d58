using System.Text.Encodings.Web;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Identity;

/// <summary>Authenticates REST API calls by a personal token in "Authorization: Bearer …".</summary>
public sealed class ApiTokenHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ApiToken";

    private readonly LocalAccounts _accounts;

    public ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, LocalAccounts accounts)
        : base(options, logger, encoder) => _accounts = accounts;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Unsupported authorization scheme.");
        }

        var user = await _accounts.AuthenticateApiTokenAsync(header[prefix.Length..].Trim(), Context.RequestAborted);
        if (user is null)
        {
            Logger.LogWarning("Rejected an API call with an unknown, expired or revoked token from {Client}", Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail("Invalid token.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(StaffAuthentication.PrincipalFor(user, SchemeName, StaffAuthentication.ApiMethod, acr: null, ["token"]), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "Authentication required: send a personal API token as 'Authorization: Bearer <token>'.")
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "This account may not use this part of the API.").ExecuteAsync(Context);
    }
}
