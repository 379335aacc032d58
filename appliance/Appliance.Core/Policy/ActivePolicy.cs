using Appliance.Core.Classification;

namespace Appliance.Core.Policy;

/// <summary>
/// The policy version in force as the rest of the appliance reads it, without a store call: the levels for pages
/// (<see cref="Catalog"/>), the set for decisions, and an event when a new version comes into force. The host keeps it
/// current from <see cref="PolicyAdministration.Applied"/>.
/// </summary>
public sealed class ActivePolicy
{
    private volatile Snapshot _snapshot;

    /// <summary>Starts with <paramref name="initial"/> in force (the configured preset until the stored version is loaded).</summary>
    public ActivePolicy(PolicySet initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _snapshot = new Snapshot(initial, CatalogOf(initial));
    }

    /// <summary>Raised after <see cref="Current"/> changed to a newly applied version.</summary>
    public event EventHandler<PolicyAppliedEventArgs>? Applied;

    /// <summary>The set in force.</summary>
    public PolicySet Current => _snapshot.Set;

    /// <summary>The levels in force as the pages show them (names, markings, colours), in rank order.</summary>
    public ClassificationCatalog Catalog => _snapshot.Catalog;

    /// <summary>Makes <paramref name="version"/> the one in force and raises <see cref="Applied"/>; an older or the same set is ignored.</summary>
    public void Apply(PolicyVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var next = new Snapshot(version.Set, CatalogOf(version.Set));
        while (true)
        {
            var seen = _snapshot;
            // Versions only grow: a late event of an older version must not undo a newer one.
            if (seen.Set.Version > version.Set.Version || seen.Set.Equals(version.Set))
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _snapshot, next, seen) == seen)
            {
                break;
            }
        }

        Applied?.Invoke(this, new PolicyAppliedEventArgs(version));
    }

    /// <summary>The catalog the pages use, made from a policy set's levels.</summary>
    public static ClassificationCatalog CatalogOf(PolicySet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new ClassificationCatalog(set.Levels.Select(l => new ClassificationLevel(l.Id, l.Rank, l.Names, l.Markings, l.Colour, l.Controls.EndToEndEncryptionRequired)));
    }

    private sealed record Snapshot(PolicySet Set, ClassificationCatalog Catalog);
}
