namespace Appliance.Core.Policy;

/// <summary>
/// The classification levels in force, as one versioned whole: every change of any level makes a new version, and a
/// meeting remembers the version it was booked under.
/// </summary>
public sealed record PolicySet
{
    /// <summary>Creates a set; levels are ordered by rank.</summary>
    /// <param name="schemeId">The preset the set started from ("se", "dk", "eu", "basic"), kept for display.</param>
    /// <param name="version">1 for the set chosen at installation, then one more per applied change.</param>
    /// <param name="levels">The levels; ids and ranks must be unique.</param>
    public PolicySet(string schemeId, int version, IEnumerable<PolicyLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        SchemeId = schemeId;
        Version = version;
        Levels = [.. levels.OrderBy(l => l.Rank).ThenBy(l => l.Id, StringComparer.Ordinal)];
    }

    /// <summary>The preset the set started from.</summary>
    public string SchemeId { get; init; }

    /// <summary>The version number, from 1.</summary>
    public int Version { get; init; }

    /// <summary>The levels from least to most sensitive.</summary>
    public IReadOnlyList<PolicyLevel> Levels { get; init; }

    /// <summary>Finds a level by id.</summary>
    public bool TryGet(string? id, out PolicyLevel level)
    {
        foreach (var candidate in Levels)
        {
            if (string.Equals(candidate.Id, id, StringComparison.Ordinal))
            {
                level = candidate;
                return true;
            }
        }

        level = null!;
        return false;
    }

    /// <summary>The level with the given id; throws for an id that is not in the set (stored data only).</summary>
    public PolicyLevel Get(string id) =>
        TryGet(id, out var level) ? level : throw new KeyNotFoundException($"Classification level '{id}' is not in policy version {Version}.");

    /// <summary>The same levels under another version number.</summary>
    public PolicySet WithVersion(int version) => this with { Version = version };

    /// <summary>The same set with one level replaced (matched by id).</summary>
    public PolicySet WithLevel(PolicyLevel level)
    {
        ArgumentNullException.ThrowIfNull(level);
        return new PolicySet(SchemeId, Version, Levels.Select(l => l.Id == level.Id ? level : l));
    }

    /// <summary>Problems that make the set unusable, in English; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Version < 1)
        {
            problems.Add("The version must be 1 or more.");
        }

        if (Levels.Count == 0)
        {
            problems.Add("There must be at least one level.");
        }

        problems.AddRange(Levels.GroupBy(l => l.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"Level id '{g.Key}' is used twice."));
        problems.AddRange(Levels.GroupBy(l => l.Rank).Where(g => g.Count() > 1).Select(g => $"Rank {g.Key} is used by more than one level."));
        if (!Levels.Any(l => l.Controls?.ApplianceMayCarry == true))
        {
            problems.Add("At least one level must be one this appliance may carry.");
        }

        problems.AddRange(Levels.SelectMany(l => l.Validate()));
        return problems;
    }

    /// <inheritdoc />
    public bool Equals(PolicySet? other) =>
        other is not null && SchemeId == other.SchemeId && Version == other.Version && Levels.SequenceEqual(other.Levels);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SchemeId, Version, Levels.Count);
}
