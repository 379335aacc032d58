using Appliance.Core.Classification;

namespace Appliance.Core.Policy;

/// <summary>
/// A classification level as data: its names and banner marking in English, Danish and Swedish, the banner colour,
/// its rank among the levels, and the controls meetings of that level live under.
/// </summary>
/// <param name="Id">Stable identifier stored with meetings (for example "fortroligt").</param>
/// <param name="Rank">Higher is more sensitive.</param>
/// <param name="Names">The level's name per locale; "en", "da" and "sv" are required.</param>
/// <param name="Markings">The banner text per locale; "en", "da" and "sv" are required.</param>
/// <param name="Colour">Banner background as #rrggbb.</param>
/// <param name="Controls">What meetings of the level may do.</param>
public sealed record PolicyLevel(
    string Id,
    int Rank,
    IReadOnlyDictionary<string, string> Names,
    IReadOnlyDictionary<string, string> Markings,
    string Colour,
    PolicyControls Controls)
{
    /// <summary>The locales every level must name itself in.</summary>
    public static IReadOnlyList<string> Locales { get; } = ["en", "da", "sv"];

    /// <summary>WCAG 2.1 AA for normal text: the banner is read by everyone, at every size.</summary>
    public const double MinimumContrast = 4.5;

    /// <summary>The name in the given locale, falling back to English.</summary>
    public string NameIn(string locale) => Pick(Names, locale);

    /// <summary>The banner text in the given locale, falling back to English.</summary>
    public string MarkingIn(string locale) => Pick(Markings, locale);

    /// <summary>Black or white, whichever contrasts more with <see cref="Colour"/>.</summary>
    public string TextColour => Contrast.BestTextColour(Colour);

    /// <summary>The contrast ratio between the banner text and its background.</summary>
    public double ContrastRatio => Contrast.Ratio(Colour, TextColour);

    /// <summary>The same level with other controls.</summary>
    public PolicyLevel WithControls(PolicyControls controls) => this with { Controls = controls };

    /// <summary>Problems that make the level unusable, in English for the officer's form; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > 64 || !Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            problems.Add($"Level id '{Id}' must be 1 to 64 characters of a-z, 0-9 and '-'.");
        }

        foreach (var locale in Locales)
        {
            if (Names is null || !Names.TryGetValue(locale, out var name) || string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"Level '{Id}' has no name in '{locale}'.");
            }

            if (Markings is null || !Markings.TryGetValue(locale, out var marking) || string.IsNullOrWhiteSpace(marking))
            {
                problems.Add($"Level '{Id}' has no marking text in '{locale}'.");
            }
        }

        if (!Contrast.IsHexColour(Colour ?? string.Empty))
        {
            problems.Add($"Level '{Id}' colour '{Colour}' is not #rrggbb.");
        }
        // With automatic black or white text every colour reaches about 4.6:1, so this only bites if a level ever
        // gets its own text colour; it stays so that such a change cannot skip the check.
        else if (ContrastRatio < MinimumContrast)
        {
            problems.Add($"Level '{Id}' colour {Colour} leaves the marking with contrast {ContrastRatio:0.00}, below {MinimumContrast}.");
        }

        if (Controls is null)
        {
            problems.Add($"Level '{Id}' has no controls.");
        }
        else
        {
            problems.AddRange(Controls.Validate().Select(p => $"Level '{Id}': {p}"));
        }

        return problems;
    }

    /// <inheritdoc />
    public bool Equals(PolicyLevel? other) =>
        other is not null
        && Id == other.Id
        && Rank == other.Rank
        && SameTexts(Names, other.Names)
        && SameTexts(Markings, other.Markings)
        && string.Equals(Colour, other.Colour, StringComparison.OrdinalIgnoreCase)
        && Controls == other.Controls;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Rank);

    internal static bool SameTexts(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && other == pair.Value);

    private static string Pick(IReadOnlyDictionary<string, string> texts, string locale) =>
        texts.TryGetValue(locale, out var text) ? text : texts["en"];
}
