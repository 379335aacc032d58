namespace Appliance.Core.Classification;

/// <summary>
/// An information-classification level. Levels are data, not code: the policy engine reads their controls, and every
/// page of a meeting shows their marking.
/// </summary>
/// <param name="Id">Stable identifier stored with meetings (for example "internal").</param>
/// <param name="Rank">Higher is more sensitive; used to compare levels.</param>
/// <param name="Names">The level's name per locale ("en", "da", "sv").</param>
/// <param name="Markings">The banner text per locale.</param>
/// <param name="Colour">Banner background as #rrggbb; the text colour is chosen for WCAG AA contrast.</param>
/// <param name="EndToEndEncryptionRequired">
/// Everyone must take part end-to-end encrypted: a browser that cannot is refused at the door. The policy engine will
/// feed this control later; until then the catalog sets it.
/// </param>
public sealed record ClassificationLevel(
    string Id,
    int Rank,
    IReadOnlyDictionary<string, string> Names,
    IReadOnlyDictionary<string, string> Markings,
    string Colour,
    bool EndToEndEncryptionRequired = false)
{
    /// <summary>The name in the given locale, falling back to English.</summary>
    public string NameIn(string locale) => Pick(Names, locale);

    /// <summary>The banner text in the given locale, falling back to English.</summary>
    public string MarkingIn(string locale) => Pick(Markings, locale);

    /// <summary>Black or white, whichever contrasts more with <see cref="Colour"/> (WCAG relative luminance).</summary>
    public string TextColour => Contrast.BestTextColour(Colour);

    private static string Pick(IReadOnlyDictionary<string, string> texts, string locale) =>
        texts.TryGetValue(locale, out var text) ? text : texts["en"];
}
