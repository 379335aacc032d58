using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Core.Validation;
using Appliance.Storage.Audit;

namespace Appliance.Core.Tests.Policy;

/// <summary>Four-eyes policy changes over the real LiteDB store and the real audit log.</summary>
public sealed class PolicyAdministrationTests : DatabaseTest
{
    private static readonly StaffActor Alice = new("u-alice", "Alice", StaffRoles.SecurityOfficer);
    private static readonly StaffActor Bob = new("u-bob", "Bob", StaffRoles.SecurityOfficer);
    private static readonly StaffActor Olga = new("u-olga", "Olga", StaffRoles.Organiser);

    private string _auditDirectory = null!;
    private FileAuditLog _audit = null!;
    private PolicyAdministration _administration = null!;
    private readonly List<int> _applied = [];

    [SetUp]
    public async Task InstallBasicPolicy()
    {
        _auditDirectory = Path.Combine(Path.GetTempPath(), "appliance-policy-audit-" + Guid.NewGuid().ToString("N"));
        _audit = FileAuditLog.Open(new AuditLogOptions { DataDirectory = _auditDirectory }, Time);
        _applied.Clear();
        _administration = new PolicyAdministration(Database.Policies, _audit, Time);
        _administration.Applied += (_, e) => _applied.Add(e.Version.Version);
        var installed = await _administration.InstallAsync(Alice, PolicyPresets.BasicId);
        Assert.That(installed.Succeeded, Is.True);
    }

    [TearDown]
    public async Task CloseAudit()
    {
        await _audit.DisposeAsync();
        Directory.Delete(_auditDirectory, recursive: true);
    }

    private static PolicySet Change(PolicySet set, string levelId, Func<PolicyControls, PolicyControls> change) =>
        set.WithLevel(set.Get(levelId).WithControls(change(set.Get(levelId).Controls)));

    private async Task<PolicySet> CurrentSetAsync() => (await _administration.CurrentAsync())!.Set;

    private async Task<List<AuditEntry>> AuditEntriesAsync() => [.. await _audit.ReadAsync(1, 1000)];

    [Test]
    public async Task Installation_is_version_1_and_happens_once()
    {
        var again = await _administration.InstallAsync(Bob, PolicyPresets.SwedishId);

        var current = await _administration.CurrentAsync();
        Assert.Multiple(() =>
        {
            Assert.That(current!.Version, Is.EqualTo(1));
            Assert.That(current.Set.SchemeId, Is.EqualTo("basic"));
            Assert.That(current.Kind, Is.EqualTo(PolicyVersionKind.Installed));
            Assert.That(again.Failure, Is.EqualTo(FailureKind.Conflict));
            Assert.That(again.Message, Is.EqualTo(PolicyMessages.AlreadyInstalled));
            Assert.That(_applied, Is.EqualTo(new[] { 1 }));
        });
    }

    [Test]
    public async Task Only_a_security_officer_may_propose_and_the_refusal_is_audited()
    {
        var proposed = Change(await CurrentSetAsync(), "internal", c => c with { ChatAllowed = false });

        var outcome = await _administration.ProposeAsync(Olga, proposed, null);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Forbidden));
        var last = (await AuditEntriesAsync())[^1];
        Assert.That((last.Actor, last.Action, last.Outcome), Is.EqualTo(("u-olga", AuditAction.PolicyChangeProposed, AuditOutcome.Denied)));
    }

    [Test]
    public async Task A_tightening_applies_at_once_and_reaches_running_meetings()
    {
        var proposed = Change(await CurrentSetAsync(), "internal", c => c with { ScreenShareAllowed = false });

        var outcome = await _administration.ProposeAsync(Alice, proposed, "screens leak");

        Assert.That(outcome.Succeeded, Is.True);
        Assert.That(outcome.Value!.Pending, Is.Null);
        Assert.That(outcome.Value.Applied!.Version, Is.EqualTo(2));
        Assert.That(outcome.Value.Applied.Changes.Single().Description, Is.EqualTo("internal: ScreenShareAllowed yes → no (tightened)"));
        var running = await _administration.EffectiveControlsAsync("internal", bookedVersion: 1);
        var decision = PolicyEngine.Decide(
            PolicyScenario.Meeting(PolicyPresets.Internal) with { EffectiveControls = running },
            PolicyScenario.Host,
            PolicyAction.ShareScreen);
        Assert.That(decision.RuleId, Is.EqualTo(PolicyRules.ScreenShareNotAllowed.Id));
        Assert.That(_applied, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public async Task A_loosening_waits_for_a_second_officer_and_the_proposer_cannot_approve_it()
    {
        var proposed = Change(await CurrentSetAsync(), "confidential", c => c with { RecordingAllowed = true });

        var outcome = await _administration.ProposeAsync(Alice, proposed, "court hearings are recorded");
        var pending = outcome.Value!.Pending!;
        var self = await _administration.ApproveAsync(Alice, pending.Id);
        var organiser = await _administration.ApproveAsync(Olga, pending.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Value.Applied, Is.Null);
            Assert.That((await _administration.CurrentAsync())!.Version, Is.EqualTo(1));
            Assert.That(self.Failure, Is.EqualTo(FailureKind.Forbidden));
            Assert.That(self.Message, Is.EqualTo(PolicyMessages.SameOfficer));
            Assert.That(organiser.Failure, Is.EqualTo(FailureKind.Forbidden));
            Assert.That(await _administration.PendingAsync(), Has.Count.EqualTo(1));
        });
        var denied = (await AuditEntriesAsync()).Where(e => e.Outcome == AuditOutcome.Denied).ToList();
        Assert.That(denied.Select(e => (e.Actor, e.Details["rule"])), Is.EqualTo(new[] { ("u-alice", PolicyMessages.SameOfficer), ("u-olga", PolicyMessages.NotSecurityOfficer) }));
    }

    [Test]
    public async Task An_approved_loosening_applies_to_new_meetings_only()
    {
        var proposed = Change(await CurrentSetAsync(), "confidential", c => c with { RecordingAllowed = true });
        var pending = (await _administration.ProposeAsync(Alice, proposed, null)).Value!.Pending!;

        var approved = await _administration.ApproveAsync(Bob, pending.Id);

        Assert.That(approved.Succeeded, Is.True);
        Assert.Multiple(async () =>
        {
            Assert.That(approved.Value!.Version, Is.EqualTo(2));
            Assert.That(approved.Value.Kind, Is.EqualTo(PolicyVersionKind.Approved));
            Assert.That((approved.Value.ProposedBy, approved.Value.ApprovedBy), Is.EqualTo(("u-alice", "u-bob")));
            Assert.That((await _administration.EffectiveControlsAsync("confidential", 1)).RecordingAllowed, Is.False, "booked before");
            Assert.That((await _administration.EffectiveControlsAsync("confidential", 2)).RecordingAllowed, Is.True, "booked after");
            Assert.That(await _administration.PendingAsync(), Is.Empty);
            Assert.That((await Database.Policies.FindPendingAsync(pending.Id))!.Status, Is.EqualTo(PendingStatus.Approved));
        });
    }

    [Test]
    public async Task A_mixed_proposal_tightens_at_once_and_leaves_the_loosening_pending()
    {
        var proposed = Change(await CurrentSetAsync(), "internal", c => c with { ChatAllowed = false, MaxParticipants = 80 });

        var result = (await _administration.ProposeAsync(Alice, proposed, null)).Value!;

        var current = await CurrentSetAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.Applied!.Version, Is.EqualTo(2));
            Assert.That(current.Get("internal").Controls.ChatAllowed, Is.False);
            Assert.That(current.Get("internal").Controls.MaxParticipants, Is.EqualTo(50));
            Assert.That(result.Pending!.BaseVersion, Is.EqualTo(2));
            Assert.That(result.Change.DirectionOf("internal", PolicyControl.MaxParticipants), Is.EqualTo(ChangeDirection.Loosened));
        });

        var approved = await _administration.ApproveAsync(Bob, result.Pending!.Id);
        var after = (await CurrentSetAsync()).Get("internal").Controls;
        Assert.That((approved.Value!.Version, after.ChatAllowed, after.MaxParticipants), Is.EqualTo((3, false, 80)));
    }

    [Test]
    public async Task A_pending_loosening_is_superseded_when_the_policy_changed_meanwhile()
    {
        var loosen = Change(await CurrentSetAsync(), "open", c => c with { MaxParticipants = 200 });
        var pending = (await _administration.ProposeAsync(Alice, loosen, null)).Value!.Pending!;
        await _administration.ProposeAsync(Bob, Change(await CurrentSetAsync(), "open", c => c with { ChatAllowed = false }), null);

        var approval = await _administration.ApproveAsync(Bob, pending.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(approval.Failure, Is.EqualTo(FailureKind.Conflict));
            Assert.That(approval.Message, Is.EqualTo(PolicyMessages.Stale));
            Assert.That((await Database.Policies.FindPendingAsync(pending.Id))!.Status, Is.EqualTo(PendingStatus.Superseded));
            Assert.That((await CurrentSetAsync()).Get("open").Controls.MaxParticipants, Is.EqualTo(100));
        });
    }

    [Test]
    public async Task The_proposer_can_withdraw_and_a_resolved_change_cannot_be_approved()
    {
        var pending = (await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "open", c => c with { DataRetentionDays = 365 }), null)).Value!.Pending!;

        var withdrawn = await _administration.RejectAsync(Alice, pending.Id);
        var approval = await _administration.ApproveAsync(Bob, pending.Id);
        var unknown = await _administration.ApproveAsync(Bob, "nope");

        Assert.Multiple(() =>
        {
            Assert.That(withdrawn.Value!.Status, Is.EqualTo(PendingStatus.Rejected));
            Assert.That(approval.Message, Is.EqualTo(PolicyMessages.PendingResolved));
            Assert.That(unknown.Failure, Is.EqualTo(FailureKind.NotFound));
        });
    }

    [Test]
    public async Task A_loosening_never_reaches_a_meeting_booked_before_even_when_it_undoes_a_tightening()
    {
        await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "open", c => c with { RecordingAllowed = false }), null);
        var pending = (await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "open", c => c with { RecordingAllowed = true }), null)).Value!.Pending!;
        await _administration.ApproveAsync(Bob, pending.Id);

        Assert.Multiple(async () =>
        {
            Assert.That((await _administration.CurrentAsync())!.Version, Is.EqualTo(3));
            Assert.That((await _administration.EffectiveControlsAsync("open", 1)).RecordingAllowed, Is.False);
            Assert.That((await _administration.EffectiveControlsAsync("open", 3)).RecordingAllowed, Is.True);
        });
    }

    [Test]
    public async Task Narrowing_networks_tightens_and_swapping_them_loosens()
    {
        var narrowed = await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "internal", c => c with { AllowedNetworks = ClientNetworks.Parse("10.1.0.0/16") }), null);
        var swapped = await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "internal", c => c with { AllowedNetworks = ClientNetworks.Parse("10.2.0.0/16") }), null);

        Assert.Multiple(async () =>
        {
            Assert.That(narrowed.Value!.Applied!.Version, Is.EqualTo(2));
            Assert.That(swapped.Value!.Applied, Is.Null, "nothing of a swap applies before approval");
            Assert.That(swapped.Value.Pending, Is.Not.Null);
            Assert.That((await CurrentSetAsync()).Get("internal").Controls.AllowedNetworks, Is.EqualTo(ClientNetworks.Parse("10.1.0.0/16")));
        });
    }

    [Test]
    public async Task Removing_a_level_changing_nothing_or_breaking_the_set_is_refused()
    {
        var current = await CurrentSetAsync();
        var removed = new PolicySet(current.SchemeId, 1, current.Levels.Where(l => l.Id != "open"));
        var broken = Change(current, "open", c => c with { MaxParticipants = 1 });

        var removal = await _administration.ProposeAsync(Alice, removed, null);
        var nothing = await _administration.ProposeAsync(Alice, current, null);
        var invalid = await _administration.ProposeAsync(Alice, broken, null);

        Assert.Multiple(() =>
        {
            Assert.That(removal.Message, Is.EqualTo(PolicyMessages.LevelRemoved));
            Assert.That(nothing.Message, Is.EqualTo(PolicyMessages.NoChange));
            Assert.That(invalid.Failure, Is.EqualTo(FailureKind.Invalid));
            Assert.That(invalid.Errors!.All().Single().Message, Does.Contain("Maximum participants"));
        });
    }

    [Test]
    public async Task Relabelling_applies_at_once_without_approval()
    {
        var current = await CurrentSetAsync();
        var relabelled = current.WithLevel(current.Get("internal") with { Colour = "#0b5394" });

        var result = (await _administration.ProposeAsync(Alice, relabelled, null)).Value!;

        Assert.That((result.Applied?.Version, result.Pending), Is.EqualTo(((int?)2, (PendingPolicyChange?)null)));
        Assert.That((await CurrentSetAsync()).Get("internal").Colour, Is.EqualTo("#0b5394"));
    }

    [Test]
    public async Task Preview_lists_the_booked_meetings_a_tightening_reaches_and_none_for_a_loosening()
    {
        var meetings = new[]
        {
            new BookedMeeting("m-internal", "internal", 1),
            new BookedMeeting("m-confidential", "confidential", 1),
            new BookedMeeting("m-open", "open", 1),
        };
        var current = await CurrentSetAsync();
        var tighten = Change(Change(current, "internal", c => c with { ScreenShareAllowed = false }), "confidential", c => c with { ScreenShareAllowed = false });
        var loosen = Change(current, "open", c => c with { MaxParticipants = 300 });

        var tightImpact = await _administration.PreviewAsync(tighten, meetings);
        var looseImpact = await _administration.PreviewAsync(loosen, meetings);

        Assert.Multiple(() =>
        {
            Assert.That(tightImpact.Select(i => i.MeetingId), Is.EqualTo(new[] { "m-internal", "m-confidential" }));
            Assert.That(tightImpact[0].Changes.Single().Control, Is.EqualTo(PolicyControl.ScreenShareAllowed));
            Assert.That(looseImpact, Is.Empty);
        });
    }

    [Test]
    public async Task The_history_keeps_every_version_with_its_diff_and_the_audit_log_stays_intact()
    {
        await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "open", c => c with { SipDialOutAllowed = false }), "no dial-out");
        var pending = (await _administration.ProposeAsync(Alice, Change(await CurrentSetAsync(), "open", c => c with { MaxDuration = TimeSpan.FromHours(10) }), null)).Value!.Pending!;
        await _administration.ApproveAsync(Bob, pending.Id);

        var history = await _administration.HistoryAsync();
        var verification = await _audit.VerifyAsync();
        var actions = (await AuditEntriesAsync()).Select(e => e.Action);

        Assert.Multiple(() =>
        {
            Assert.That(history.Select(v => (v.Version, v.Kind)), Is.EqualTo(new[] { (1, PolicyVersionKind.Installed), (2, PolicyVersionKind.Tightened), (3, PolicyVersionKind.Approved) }));
            Assert.That(history[1].Comment, Is.EqualTo("no dial-out"));
            Assert.That(history[1].Changes.Single().Description, Is.EqualTo("open: SipDialOutAllowed yes → no (tightened)"));
            Assert.That(history[2].Changes.Single().Description, Is.EqualTo("open: MaxDuration 08:00:00 → 10:00:00 (loosened)"));
            Assert.That(history[2].Set, Is.EqualTo(PolicyPresets.Basic.WithVersion(3).WithLevel(history[2].Set.Get("open"))));
            Assert.That(verification.Intact, Is.True, verification.Summary);
            Assert.That(actions, Is.EqualTo(new[]
            {
                AuditAction.PolicyInstalled, AuditAction.PolicyChangeApplied, AuditAction.PolicyChangeProposed,
                AuditAction.PolicyChangeApproved, AuditAction.PolicyChangeApplied,
            }));
        });
    }
}
