using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Appliance.Core.Localization;

namespace Appliance.Host.WebClient;

/// <summary>
/// The meeting room's texts for its script, at /js/texts.json?lang=xx: every text whose key starts with one of
/// <see cref="Prefixes"/>, in one language. A file rather than an inline script (the Content-Security-Policy allows none),
/// cached by the browser under a version that changes with the texts.
/// </summary>
public static class ClientTexts
{
    /// <summary>Where the texts are served.</summary>
    public const string Path = "/js/texts.json";

    /// <summary>The key prefixes of the texts the web client shows.</summary>
    public static readonly IReadOnlyList<string> Prefixes = ["room.", "lobby.code.", "prejoin."];

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private static readonly FrozenDictionary<string, (byte[] Body, string Version)> Tables = Texts.Languages.ToFrozenDictionary(
        language => language,
        language =>
        {
            var texts = Texts.Embedded;
            var selected = texts.KeysOf("en")
                .Where(key => Prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal)
                .ToDictionary(key => key, key => texts.Get(language, key), StringComparer.Ordinal);
            var body = JsonSerializer.SerializeToUtf8Bytes(selected, Json);
            return (body, Convert.ToHexStringLower(SHA256.HashData(body))[..12]);
        },
        StringComparer.Ordinal);

    /// <summary>The address of the texts in <paramref name="language"/>, with their version.</summary>
    public static string PathFor(string language)
    {
        var known = Tables.ContainsKey(language) ? language : "en";
        return $"{Path}?lang={known}&v={Tables[known].Version}";
    }

    /// <summary>Serves the texts.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, (HttpContext context, string? lang) =>
        {
            var language = lang is not null && Tables.ContainsKey(lang) ? lang : "en";
            var (body, version) = Tables[language];
            context.Response.Headers.CacheControl = "public, max-age=86400";
            context.Response.Headers.ETag = $"\"{version}\"";
            return Results.Bytes(body, "application/json; charset=utf-8");
        }).AllowAnonymous().DisableRateLimiting();
    }
}
