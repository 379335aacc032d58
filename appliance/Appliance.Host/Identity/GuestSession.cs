using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Identity;

/// <summary>
/// After a guest has given the right PIN, remembers that for this invitation (until it expires), so that reloading the
/// waiting page does not ask again. Holds the invitation id only.
/// </summary>
public sealed class GuestSession(IDataProtectionProvider protection, TimeProvider time)
{
    private const string CookieName = "__Host-appliance-guest";
    private readonly IDataProtector _protector = protection.CreateProtector("Appliance.GuestSession.v1");

    /// <summary>Registers the service.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<GuestSession>();
        services.AddSingleton<PendingSignIn>();
    }

    /// <summary>Remembers that the PIN of this invitation was given.</summary>
    public void RememberPin(HttpResponse response, string invitationId, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(response);
        var payload = _protector.Protect(invitationId + "|" + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        response.Cookies.Append(CookieName, payload, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
        });
    }

    /// <summary>True when this browser gave the PIN for the invitation.</summary>
    public bool HasGivenPin(HttpRequest request, string invitationId)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            var parts = _protector.Unprotect(value).Split('|');
            return parts.Length == 2 && parts[0] == invitationId &&
                   long.TryParse(parts[1], CultureInfo.InvariantCulture, out var expires) &&
                   time.GetUtcNow().ToUnixTimeSeconds() < expires;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
