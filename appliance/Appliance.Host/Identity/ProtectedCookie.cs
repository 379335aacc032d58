using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Identity;

/// <summary>
/// A short value kept in a __Host- cookie (Secure, HttpOnly, SameSite=Strict), encrypted and authenticated with data
/// protection, with its expiry inside the protected payload so that a replayed old cookie is refused.
/// </summary>
public sealed class ProtectedCookie(IDataProtectionProvider protection, TimeProvider time, string name, string purpose)
{
    private readonly IDataProtector _protector = protection.CreateProtector(purpose);

    /// <summary>Sets the cookie to <paramref name="value"/> until <paramref name="expires"/>.</summary>
    public void Write(HttpResponse response, string value, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(response);
        var payload = _protector.Protect(value + "|" + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        response.Cookies.Append(name, payload, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
        });
    }

    /// <summary>The value, or null when the cookie is missing, expired or not one we made.</summary>
    public string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(name, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(cookie);
            var bar = text.LastIndexOf('|');
            return bar > 0 && long.TryParse(text.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) &&
                   time.GetUtcNow().ToUnixTimeSeconds() < expires
                ? text[..bar]
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Removes the cookie.</summary>
    public void Delete(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(name, new CookieOptions { Secure = true, Path = "/", SameSite = SameSiteMode.Strict });
    }
}
