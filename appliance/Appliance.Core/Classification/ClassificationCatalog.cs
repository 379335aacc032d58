namespace Appliance.Core.Classification;

/// <summary>
/// The classification levels an appliance offers. Until the policy administration arrives, the catalog is the plain
/// Open / Internal / Confidential preset; later presets (Swedish, Danish, EU) replace it as data.
/// </summary>
public sealed class ClassificationCatalog
{
    private readonly Dictionary<string, ClassificationLevel> _byId;

    /// <summary>Creates a catalog from levels; ids must be unique.</summary>
    public ClassificationCatalog(IEnumerable<ClassificationLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        Levels = levels.OrderBy(l => l.Rank).ToArray();
        _byId = Levels.ToDictionary(l => l.Id, StringComparer.Ordinal);
    }

    /// <summary>The levels from least to most sensitive.</summary>
    public IReadOnlyList<ClassificationLevel> Levels { get; }

    /// <summary>The plain preset: Open, Internal, Confidential.</summary>
    public static ClassificationCatalog Basic { get; } = new([
        new ClassificationLevel(
            "open",
            0,
            new Dictionary<string, string> { ["en"] = "Open", ["da"] = "Åben", ["sv"] = "Öppen" },
            new Dictionary<string, string> { ["en"] = "OPEN", ["da"] = "ÅBEN", ["sv"] = "ÖPPEN" },
            "#1b7f3b"),
        new ClassificationLevel(
            "internal",
            10,
            new Dictionary<string, string> { ["en"] = "Internal", ["da"] = "Intern", ["sv"] = "Intern" },
            new Dictionary<string, string> { ["en"] = "INTERNAL", ["da"] = "INTERN", ["sv"] = "INTERN" },
            "#f2c200"),
        new ClassificationLevel(
            "confidential",
            20,
            new Dictionary<string, string> { ["en"] = "Confidential", ["da"] = "Fortrolig", ["sv"] = "Konfidentiell" },
            new Dictionary<string, string> { ["en"] = "CONFIDENTIAL", ["da"] = "FORTROLIG", ["sv"] = "KONFIDENTIELL" },
            "#b00020",
            EndToEndEncryptionRequired: true),
    ]);

    /// <summary>Finds a level by id.</summary>
    public bool TryGet(string? id, out ClassificationLevel level)
    {
        if (id is not null && _byId.TryGetValue(id, out var found))
        {
            level = found;
            return true;
        }

        level = null!;
        return false;
    }

    /// <summary>The level with the given id; throws for an id that is not in the catalog (stored data only).</summary>
    public ClassificationLevel Get(string id) =>
        TryGet(id, out var level) ? level : throw new KeyNotFoundException($"Classification level '{id}' is not configured.");
}
