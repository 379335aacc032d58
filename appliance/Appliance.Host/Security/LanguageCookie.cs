using Appliance.Core.Localization;
using Microsoft.AspNetCore.Localization;

namespace Appliance.Host.Security;

/// <summary>The language a person chose with the language switcher, kept in a cookie for a year.</summary>
public static class LanguageCookie
{
    public const string Name = "appliance-lang";

    /// <summary>GET /language/{language}?returnUrl=…: sets the cookie and goes back to a local page.</summary>
    public static IResult Set(HttpContext context, string language, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Texts.Languages.Contains(language))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language.");
        }

        context.Response.Cookies.Append(
            Name,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.UnixEpoch.AddYears(100), Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true });
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>True for a path on this site ("/x", not "//host" or "/\host").</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal);
}
