using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Appliance.Core.Localization;

/// <summary>
/// The user-interface texts in English, Danish and Swedish, read from embedded JSON tables (Localization/*.json).
/// The language follows the request culture; a missing text falls back to English so a page never shows a bare key.
/// </summary>
public sealed class Texts
{
    /// <summary>The languages the appliance speaks.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "da", "sv"];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _tables;

    private Texts(FrozenDictionary<string, FrozenDictionary<string, string>> tables) => _tables = tables;

    /// <summary>The tables shipped with the appliance.</summary>
    public static Texts Embedded { get; } = Load();

    /// <summary>The keys of a language's table (for completeness tests).</summary>
    public IEnumerable<string> KeysOf(string language) => _tables[language].Keys;

    /// <summary>The text for the key in the current UI language.</summary>
    public string this[string key] => Get(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, key);

    /// <summary>The text for the key in the current UI language, with {0}… filled in.</summary>
    public string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, this[key], args);

    /// <summary>The text in a given language.</summary>
    public string Get(string language, string key)
    {
        if (_tables.TryGetValue(language, out var table) && table.TryGetValue(key, out var text))
        {
            return text;
        }

        return _tables["en"].TryGetValue(key, out var english) ? english : key;
    }

    private static Texts Load()
    {
        var assembly = typeof(Texts).Assembly;
        var tables = new Dictionary<string, FrozenDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var language in Languages)
        {
            var name = $"Appliance.Core.Localization.{language}.json";
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded text table {name} is missing from {assembly.GetName().Name}.");
            var table = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"Embedded text table {name} is empty.");
            tables[language] = table.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return new Texts(tables.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
