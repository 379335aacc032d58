namespace Appliance.Core.Policy;

/// <summary>Why a version came into force.</summary>
public enum PolicyVersionKind
{
    /// <summary>The preset chosen at installation.</summary>
    Installed,

    /// <summary>A change that only tightens (or relabels): in force at once, with one officer.</summary>
    Tightened,

    /// <summary>A loosening approved by a second officer: in force for new meetings.</summary>
    Approved,
}

/// <summary>A version of the policy that was in force, with who put it there and what it changed: the change history.</summary>
/// <param name="Set">The levels of this version (its <see cref="PolicySet.Version"/> is the version number).</param>
/// <param name="Kind">How it came into force.</param>
/// <param name="AppliedAt">When.</param>
/// <param name="ProposedBy">The security officer who proposed it.</param>
/// <param name="ApprovedBy">The second officer, for an approved loosening.</param>
/// <param name="Changes">What changed from the version before (empty for the installed one).</param>
/// <param name="Comment">The proposer's reason, as they wrote it.</param>
public sealed record PolicyVersion(
    PolicySet Set,
    PolicyVersionKind Kind,
    DateTimeOffset AppliedAt,
    string ProposedBy,
    string? ApprovedBy,
    IReadOnlyList<ControlChange> Changes,
    string? Comment)
{
    /// <summary>The version number.</summary>
    public int Version => Set.Version;
}

/// <summary>Where a proposed loosening stands.</summary>
public enum PendingStatus
{
    /// <summary>Waiting for a second security officer.</summary>
    Pending,

    /// <summary>Approved and in force.</summary>
    Approved,

    /// <summary>Rejected (or withdrawn by its proposer).</summary>
    Rejected,

    /// <summary>The policy changed after it was proposed; it must be proposed again against the new version.</summary>
    Superseded,
}

/// <summary>A loosening waiting for four eyes.</summary>
/// <param name="Id">Random id.</param>
/// <param name="BaseVersion">The version it was proposed against; approval is refused once another version is in force.</param>
/// <param name="Proposed">The whole set as the proposer wants it.</param>
/// <param name="Changes">Every change from the base version (the loosened ones are what needs approval).</param>
/// <param name="ProposedBy">The proposing officer's user id.</param>
/// <param name="ProposedAt">When.</param>
/// <param name="Comment">The proposer's reason.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ResolvedBy">Who approved or rejected it.</param>
/// <param name="ResolvedAt">When.</param>
public sealed record PendingPolicyChange(
    string Id,
    int BaseVersion,
    PolicySet Proposed,
    IReadOnlyList<ControlChange> Changes,
    string ProposedBy,
    DateTimeOffset ProposedAt,
    string? Comment,
    PendingStatus Status = PendingStatus.Pending,
    string? ResolvedBy = null,
    DateTimeOffset? ResolvedAt = null);

/// <summary>Where policy versions and pending changes are kept.</summary>
public interface IPolicyStore
{
    /// <summary>The version in force; null before installation.</summary>
    Task<PolicyVersion?> FindCurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>A version by number.</summary>
    Task<PolicyVersion?> FindVersionAsync(int version, CancellationToken cancellationToken = default);

    /// <summary>Every version from <paramref name="fromVersion"/> on, oldest first.</summary>
    Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(int fromVersion = 1, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a version only if it is exactly one more than the current one (1 when there is none), atomically; false
    /// when another change got there first.
    /// </summary>
    Task<bool> TryAddVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default);

    /// <summary>Adds a pending change.</summary>
    Task AddPendingAsync(PendingPolicyChange pending, CancellationToken cancellationToken = default);

    /// <summary>A pending change by id, whatever its status.</summary>
    Task<PendingPolicyChange?> FindPendingAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The changes still waiting for approval, oldest first.</summary>
    Task<IReadOnlyList<PendingPolicyChange>> ListPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a resolution only if the stored change is still pending, atomically; false otherwise.</summary>
    Task<bool> TryResolvePendingAsync(PendingPolicyChange resolved, CancellationToken cancellationToken = default);
}
