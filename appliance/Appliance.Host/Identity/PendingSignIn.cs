using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Identity;

/// <summary>
/// Remembers, for five minutes, whose password was right while they give their code or enrol their authenticator.
/// It is not a session: it opens only the second-factor pages.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider protection, TimeProvider time)
{
    private const string CookieName = "__Host-appliance-pending";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly IDataProtector _protector = protection.CreateProtector("Appliance.PendingSignIn.v1");

    /// <summary>Starts the second step for a user.</summary>
    public void Begin(HttpResponse response, string userId)
    {
        ArgumentNullException.ThrowIfNull(response);
        var expires = time.GetUtcNow() + Lifetime;
        var payload = _protector.Protect(userId + "|" + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        response.Cookies.Append(CookieName, payload, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
        });
    }

    /// <summary>The user id of the pending sign-in, or null when there is none or it has expired or been tampered with.</summary>
    public string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(value).Split('|');
            return parts.Length == 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var expires) &&
                   time.GetUtcNow().ToUnixTimeSeconds() < expires
                ? parts[0]
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Ends the second step.</summary>
    public static void End(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, Path = "/", SameSite = SameSiteMode.Strict });
    }
}
