using System.Security.Cryptography;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Validation;

namespace Appliance.Core.Policy;

/// <summary>Message keys for policy administration failures (the admin UI translates them).</summary>
public static class PolicyMessages
{
    public const string NotSecurityOfficer = "policy.not_security_officer";
    public const string NotInstalled = "policy.not_installed";
    public const string AlreadyInstalled = "policy.already_installed";
    public const string UnknownPreset = "policy.unknown_preset";
    public const string NoChange = "policy.no_change";
    public const string LevelRemoved = "policy.level_removed";
    public const string PendingNotFound = "policy.pending_not_found";
    public const string PendingResolved = "policy.pending_resolved";
    public const string SameOfficer = "policy.approval_same_officer";
    public const string Stale = "policy.approval_stale";
    public const string Conflict = "policy.changed_meanwhile";
}

/// <summary>What a proposal did: a version put in force at once (its tightenings), a loosening left for approval, or both.</summary>
/// <param name="Applied">The version now in force when the proposal tightened or relabelled something; otherwise null.</param>
/// <param name="Pending">The loosening waiting for a second officer; null when nothing loosens.</param>
/// <param name="Change">Every change the proposal makes against the version it was proposed on.</param>
public sealed record PolicyProposalResult(PolicyVersion? Applied, PendingPolicyChange? Pending, PolicyChange Change);

/// <summary>A booked meeting as the preview needs it.</summary>
/// <param name="MeetingId">The meeting.</param>
/// <param name="LevelId">Its level.</param>
/// <param name="BookedVersion">The policy version it was booked under.</param>
public sealed record BookedMeeting(string MeetingId, string LevelId, int BookedVersion);

/// <summary>How a change would reach one booked meeting.</summary>
/// <param name="MeetingId">The meeting.</param>
/// <param name="LevelId">Its level.</param>
/// <param name="Changes">The meeting's controls that would become stricter (at once, running or not).</param>
public sealed record MeetingImpact(string MeetingId, string LevelId, IReadOnlyList<ControlChange> Changes);

/// <summary>Raised after a version comes into force, so that running meetings can be re-checked (screen share stopped, …).</summary>
public sealed class PolicyAppliedEventArgs(PolicyVersion version) : EventArgs
{
    /// <summary>The version now in force.</summary>
    public PolicyVersion Version { get; } = version;
}

/// <summary>
/// Changing the classification policy with four eyes. A proposal's tightenings (and label changes) come into force at
/// once as a new version and reach running meetings; its loosenings wait until a different security officer approves,
/// then come into force for new meetings only: a booked meeting's controls are the stricter of every version since it
/// was booked (<see cref="EffectiveControlsAsync"/>). Every step is audited.
/// </summary>
public sealed class PolicyAdministration(IPolicyStore store, IAuditLog audit, TimeProvider time)
{
    /// <summary>Raised after a version comes into force.</summary>
    public event EventHandler<PolicyAppliedEventArgs>? Applied;

    /// <summary>The version in force; null before installation.</summary>
    public Task<PolicyVersion?> CurrentAsync(CancellationToken cancellationToken = default) => store.FindCurrentAsync(cancellationToken);

    /// <summary>The history, oldest first: every version with who proposed and approved it and what it changed.</summary>
    public Task<IReadOnlyList<PolicyVersion>> HistoryAsync(CancellationToken cancellationToken = default) => store.ListVersionsAsync(1, cancellationToken);

    /// <summary>The loosenings waiting for approval.</summary>
    public Task<IReadOnlyList<PendingPolicyChange>> PendingAsync(CancellationToken cancellationToken = default) => store.ListPendingAsync(cancellationToken);

    /// <summary>Puts the chosen preset in force as version 1 (installation); refused once a policy exists.</summary>
    public async Task<Outcome<PolicyVersion>> InstallAsync(StaffActor officer, string presetId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (!officer.Has(StaffRoles.SecurityOfficer))
        {
            return await RefuseAsync<PolicyVersion>(officer, AuditAction.PolicyInstalled, presetId, FailureKind.Forbidden, PolicyMessages.NotSecurityOfficer, cancellationToken).ConfigureAwait(false);
        }

        return await InstallAsync(officer.UserId, presetId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the preset the operator configured in force as version 1 when the appliance first starts, installed by
    /// <see cref="SystemActor"/>: at that moment no security officer can exist yet. Only ever creates version 1, so
    /// it cannot replace or change a policy in force (then it returns <see cref="PolicyMessages.AlreadyInstalled"/>).
    /// </summary>
    public Task<Outcome<PolicyVersion>> InstallAtFirstStartAsync(string presetId, CancellationToken cancellationToken = default) =>
        InstallAsync(SystemActor, presetId, cancellationToken);

    /// <summary>
    /// Installs <paramref name="set"/> (a preset, or an agency's own set read from a file and validated) as version 1,
    /// by "system"; fails when a policy exists already or the set is not valid.
    /// </summary>
    public Task<Outcome<PolicyVersion>> InstallAtFirstStartAsync(PolicySet set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Validate() is { Count: > 0 } problems
            ? Task.FromResult(Outcome<PolicyVersion>.Fail(FailureKind.Invalid, string.Join(" ", problems)))
            : InstallAsync(SystemActor, set, cancellationToken);
    }

    /// <summary>The audit actor of what the appliance does by itself (installation, retention jobs).</summary>
    public const string SystemActor = "system";

    private Task<Outcome<PolicyVersion>> InstallAsync(string actorId, string presetId, CancellationToken cancellationToken) =>
        PolicyPresets.TryGet(presetId, out var preset)
            ? InstallAsync(actorId, preset, cancellationToken)
            : Task.FromResult(Outcome<PolicyVersion>.Fail(FailureKind.Invalid, PolicyMessages.UnknownPreset));

    private async Task<Outcome<PolicyVersion>> InstallAsync(string actorId, PolicySet preset, CancellationToken cancellationToken)
    {
        var version = new PolicyVersion(preset.WithVersion(1), PolicyVersionKind.Installed, time.GetUtcNow(), actorId, null, [], null);
        if (!await store.TryAddVersionAsync(version, cancellationToken).ConfigureAwait(false))
        {
            return Outcome<PolicyVersion>.Fail(FailureKind.Conflict, PolicyMessages.AlreadyInstalled);
        }

        await audit.AppendAsync(new AuditEvent(actorId, AuditAction.PolicyInstalled, "v1", AuditOutcome.Success, new Dictionary<string, string> { ["preset"] = preset.SchemeId }), cancellationToken).ConfigureAwait(false);
        Applied?.Invoke(this, new PolicyAppliedEventArgs(version));
        return Outcome<PolicyVersion>.Ok(version);
    }

    /// <summary>
    /// Proposes the policy as <paramref name="proposed"/> (its version number is ignored). Tightenings and label changes
    /// come into force at once; loosenings — including changes that are not simply stricter, such as another network or
    /// acr list, and new bookable levels — become a pending change for a second officer. Levels cannot be removed: set
    /// <see cref="PolicyControls.ApplianceMayCarry"/> to false instead, so that booked meetings keep a level to refer to.
    /// </summary>
    public async Task<Outcome<PolicyProposalResult>> ProposeAsync(StaffActor officer, PolicySet proposed, string? comment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentNullException.ThrowIfNull(proposed);
        if (!officer.Has(StaffRoles.SecurityOfficer))
        {
            return await RefuseAsync<PolicyProposalResult>(officer, AuditAction.PolicyChangeProposed, string.Empty, FailureKind.Forbidden, PolicyMessages.NotSecurityOfficer, cancellationToken).ConfigureAwait(false);
        }

        var current = await store.FindCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return Outcome<PolicyProposalResult>.Fail(FailureKind.Conflict, PolicyMessages.NotInstalled);
        }

        var candidate = new PolicySet(current.Set.SchemeId, current.Version + 1, proposed.Levels);
        var errors = new ValidationErrors();
        foreach (var problem in candidate.Validate())
        {
            errors.Add("policy", problem);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<PolicyProposalResult>.Invalid(errors);
        }

        var change = PolicyChange.Compare(current.Set, candidate);
        if (change.Changes.Any(c => c.Control == PolicyControl.Level && string.IsNullOrEmpty(c.After)))
        {
            return Outcome<PolicyProposalResult>.Fail(FailureKind.Conflict, PolicyMessages.LevelRemoved);
        }

        if (change.IsEmpty)
        {
            return Outcome<PolicyProposalResult>.Fail(FailureKind.Conflict, PolicyMessages.NoChange);
        }

        PolicyVersion? applied = null;
        var immediate = ImmediatePart(current.Set, candidate, change);
        var immediateChanges = PolicyChange.Compare(current.Set, immediate);
        if (!immediateChanges.IsEmpty)
        {
            applied = new PolicyVersion(immediate, PolicyVersionKind.Tightened, time.GetUtcNow(), officer.UserId, null, immediateChanges.Changes, comment);
            if (!await store.TryAddVersionAsync(applied, cancellationToken).ConfigureAwait(false))
            {
                return Outcome<PolicyProposalResult>.Fail(FailureKind.Conflict, PolicyMessages.Conflict);
            }

            await AuditAppliedAsync(applied, cancellationToken).ConfigureAwait(false);
        }

        PendingPolicyChange? pending = null;
        if (change.IsLoosening)
        {
            pending = new PendingPolicyChange(
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                applied?.Version ?? current.Version,
                candidate,
                change.Changes,
                officer.UserId,
                time.GetUtcNow(),
                comment);
            await store.AddPendingAsync(pending, cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(
                new AuditEvent(officer.UserId, AuditAction.PolicyChangeProposed, pending.Id, AuditOutcome.Success, new Dictionary<string, string>
                {
                    ["baseVersion"] = pending.BaseVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["loosened"] = string.Join(",", change.Changes.Where(c => c.Direction == ChangeDirection.Loosened).Select(c => $"{c.LevelId}.{c.Control}").Take(20)),
                }),
                cancellationToken).ConfigureAwait(false);
        }

        return Outcome<PolicyProposalResult>.Ok(new PolicyProposalResult(applied, pending, change));
    }

    /// <summary>
    /// Approves a pending loosening. Refused for the officer who proposed it (four eyes), for a change already resolved,
    /// and for one proposed against a version no longer in force (it is then marked superseded).
    /// </summary>
    public async Task<Outcome<PolicyVersion>> ApproveAsync(StaffActor officer, string pendingId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var (pending, failure) = await FindOpenAsync<PolicyVersion>(officer, pendingId, AuditAction.PolicyChangeApproved, cancellationToken).ConfigureAwait(false);
        if (pending is null)
        {
            return failure!;
        }

        if (string.Equals(pending.ProposedBy, officer.UserId, StringComparison.Ordinal))
        {
            return await RefuseAsync<PolicyVersion>(officer, AuditAction.PolicyChangeApproved, pendingId, FailureKind.Forbidden, PolicyMessages.SameOfficer, cancellationToken).ConfigureAwait(false);
        }

        var current = await store.FindCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (current is null || current.Version != pending.BaseVersion)
        {
            await store.TryResolvePendingAsync(pending with { Status = PendingStatus.Superseded, ResolvedBy = officer.UserId, ResolvedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            return await RefuseAsync<PolicyVersion>(officer, AuditAction.PolicyChangeApproved, pendingId, FailureKind.Conflict, PolicyMessages.Stale, cancellationToken).ConfigureAwait(false);
        }

        var set = pending.Proposed.WithVersion(current.Version + 1);
        var version = new PolicyVersion(set, PolicyVersionKind.Approved, time.GetUtcNow(), pending.ProposedBy, officer.UserId, PolicyChange.Compare(current.Set, set).Changes, pending.Comment);
        // The version first: of two officers approving at once only one gets the next version number, and the
        // other is refused before anything is marked.
        if (!await store.TryAddVersionAsync(version, cancellationToken).ConfigureAwait(false))
        {
            return Outcome<PolicyVersion>.Fail(FailureKind.Conflict, PolicyMessages.Conflict);
        }

        await store.TryResolvePendingAsync(pending with { Status = PendingStatus.Approved, ResolvedBy = officer.UserId, ResolvedAt = version.AppliedAt }, cancellationToken).ConfigureAwait(false);

        await audit.AppendAsync(new AuditEvent(officer.UserId, AuditAction.PolicyChangeApproved, pendingId, AuditOutcome.Success, new Dictionary<string, string> { ["proposedBy"] = pending.ProposedBy }), cancellationToken).ConfigureAwait(false);
        await AuditAppliedAsync(version, cancellationToken).ConfigureAwait(false);
        return Outcome<PolicyVersion>.Ok(version);
    }

    /// <summary>Rejects a pending loosening; its proposer may withdraw it this way too.</summary>
    public async Task<Outcome<PendingPolicyChange>> RejectAsync(StaffActor officer, string pendingId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var (pending, failure) = await FindOpenAsync<PendingPolicyChange>(officer, pendingId, AuditAction.PolicyChangeRejected, cancellationToken).ConfigureAwait(false);
        if (pending is null)
        {
            return failure!;
        }

        var rejected = pending with { Status = PendingStatus.Rejected, ResolvedBy = officer.UserId, ResolvedAt = time.GetUtcNow() };
        if (!await store.TryResolvePendingAsync(rejected, cancellationToken).ConfigureAwait(false))
        {
            return Outcome<PendingPolicyChange>.Fail(FailureKind.Conflict, PolicyMessages.PendingResolved);
        }

        await audit.AppendAsync(new AuditEvent(officer.UserId, AuditAction.PolicyChangeRejected, pendingId, AuditOutcome.Success), cancellationToken).ConfigureAwait(false);
        return Outcome<PendingPolicyChange>.Ok(rejected);
    }

    /// <summary>
    /// The controls a meeting of <paramref name="levelId"/> booked under <paramref name="bookedVersion"/> lives under
    /// now: the stricter of every version since its booking. So a tightening reaches it at once, and a loosening never
    /// does — not even one that undoes a tightening made after it was booked.
    /// </summary>
    public async Task<PolicyControls> EffectiveControlsAsync(string levelId, int bookedVersion, CancellationToken cancellationToken = default)
    {
        var versions = await store.ListVersionsAsync(bookedVersion, cancellationToken).ConfigureAwait(false);
        return EffectiveControls(levelId, versions.Select(v => v.Set));
    }

    /// <summary>The stricter of a level's controls across versions (oldest first, starting with the booked one).</summary>
    public static PolicyControls EffectiveControls(string levelId, IEnumerable<PolicySet> versionsSinceBooking)
    {
        ArgumentNullException.ThrowIfNull(versionsSinceBooking);
        PolicyControls? effective = null;
        foreach (var set in versionsSinceBooking)
        {
            // A level missing from a version (never produced by this class) is treated as one the appliance may not carry.
            var controls = set.TryGet(levelId, out var level) ? level.Controls : PolicyPresets.NotCarried;
            effective = effective is null ? controls : effective.Stricter(controls);
        }

        return effective ?? throw new ArgumentException("At least the booked version is needed.", nameof(versionsSinceBooking));
    }

    /// <summary>
    /// Which booked meetings a proposal would reach, and how: each meeting's effective controls now against the same
    /// once the proposal is in force. Only tightenings can appear, since loosenings never reach booked meetings.
    /// </summary>
    public async Task<IReadOnlyList<MeetingImpact>> PreviewAsync(PolicySet proposed, IEnumerable<BookedMeeting> meetings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(meetings);
        var impacts = new List<MeetingImpact>();
        foreach (var meeting in meetings)
        {
            var now = await EffectiveControlsAsync(meeting.LevelId, meeting.BookedVersion, cancellationToken).ConfigureAwait(false);
            var then = proposed.TryGet(meeting.LevelId, out var level) ? now.Stricter(level.Controls) : now.Stricter(PolicyPresets.NotCarried);
            var changes = PolicyChange.Compare(Named(meeting.LevelId, now), Named(meeting.LevelId, then)).Changes;
            if (changes.Count > 0)
            {
                impacts.Add(new MeetingImpact(meeting.MeetingId, meeting.LevelId, changes));
            }
        }

        return impacts;
    }

    /// <summary>The proposal's tightened controls and new labels on top of the current set; loosened controls keep their current value.</summary>
    private static PolicySet ImmediatePart(PolicySet current, PolicySet candidate, PolicyChange change)
    {
        var levels = new List<PolicyLevel>();
        foreach (var proposedLevel in candidate.Levels)
        {
            if (!current.TryGet(proposedLevel.Id, out var currentLevel))
            {
                // A new level the appliance may not carry allows nothing new and can come in at once; a bookable one waits.
                if (change.DirectionOf(proposedLevel.Id, PolicyControl.Level) == ChangeDirection.Neutral)
                {
                    levels.Add(proposedLevel);
                }

                continue;
            }

            var tightened = change.Changes.Where(c => c.LevelId == proposedLevel.Id && c.Direction == ChangeDirection.Tightened).Select(c => c.Control);
            levels.Add(proposedLevel with { Controls = currentLevel.Controls.Taking(proposedLevel.Controls, tightened) });
        }

        return new PolicySet(current.SchemeId, current.Version + 1, levels);
    }

    private static PolicyLevel Named(string id, PolicyControls controls) =>
        new(id, 0, new Dictionary<string, string> { ["en"] = id }, new Dictionary<string, string> { ["en"] = id }, "#000000", controls);

    private async Task AuditAppliedAsync(PolicyVersion version, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(
            new AuditEvent(version.ApprovedBy ?? version.ProposedBy, AuditAction.PolicyChangeApplied, "v" + version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcome.Success, new Dictionary<string, string>
            {
                ["kind"] = version.Kind.ToString(),
                ["changes"] = version.Changes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            cancellationToken).ConfigureAwait(false);
        Applied?.Invoke(this, new PolicyAppliedEventArgs(version));
    }

    private async Task<(PendingPolicyChange? Pending, Outcome<T>? Failure)> FindOpenAsync<T>(StaffActor officer, string pendingId, AuditAction action, CancellationToken cancellationToken)
    {
        if (!officer.Has(StaffRoles.SecurityOfficer))
        {
            return (null, await RefuseAsync<T>(officer, action, pendingId, FailureKind.Forbidden, PolicyMessages.NotSecurityOfficer, cancellationToken).ConfigureAwait(false));
        }

        var pending = await store.FindPendingAsync(pendingId, cancellationToken).ConfigureAwait(false);
        if (pending is null)
        {
            return (null, Outcome<T>.Fail(FailureKind.NotFound, PolicyMessages.PendingNotFound));
        }

        return pending.Status == PendingStatus.Pending ? (pending, null) : (null, Outcome<T>.Fail(FailureKind.Conflict, PolicyMessages.PendingResolved));
    }

    private async Task<Outcome<T>> RefuseAsync<T>(StaffActor officer, AuditAction action, string target, FailureKind kind, string message, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEvent(officer.UserId, action, target, AuditOutcome.Denied, new Dictionary<string, string> { ["rule"] = message }), cancellationToken).ConfigureAwait(false);
        return Outcome<T>.Fail(kind, message);
    }
}
