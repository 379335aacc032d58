using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>The policies page: a tightening applies at once, a loosening waits for a second officer, validation, preview and history.</summary>
public sealed class PolicyPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;
    private StaffSession _first = null!;
    private StaffSession _second = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _first = await AddStaffAsync("officer-one", "Olivia First", RoleNames.SecurityOfficer);
        _second = await AddStaffAsync("officer-two", "Oscar Second", RoleNames.SecurityOfficer);
    }

    [Test]
    public async Task The_page_shows_every_level_with_its_controls_in_the_readers_language()
    {
        var page = await Forms.GetAsync(_first.Client, "/admin/policies?lang=da");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            foreach (var level in new[] { "open", "internal", "confidential" })
            {
                Assert.That(page.Body, Does.Contain($"id=\"level-{level}\""));
            }

            Assert.That(WebUtility.HtmlDecode(page.Body), Does.Contain(T.Get("da", "policy.control.ScreenShareAllowed")));
        });
    }

    [Test]
    public async Task A_tightening_applies_at_once_and_says_so()
    {
        var fields = await AdminSteps.LevelFormAsync(Appliance, "open", f => f.Recording = "no", "no recordings of open meetings");

        var page = await AdminSteps.PostLevelAsync(_first, fields);

        AdminSteps.ExpectFine(page);
        var current = await Appliance.Service<PolicyAdministration>().CurrentAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(page.Body, Does.Contain(T.Get("en", "admin.policy.applied").Replace("{0}", current!.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
            Assert.That((await AdminSteps.ControlsAsync(Appliance, "open")).RecordingAllowed, Is.False);
            Assert.That(page.Body, Does.Contain("no recordings of open meetings"), "the history shows the reason");
        });
    }

    [Test]
    public async Task A_loosening_waits_for_a_second_officer_and_the_proposer_cannot_approve_it()
    {
        var fields = await AdminSteps.LevelFormAsync(Appliance, "confidential", f => f.MaxParticipants = "25");
        var proposed = await AdminSteps.PostLevelAsync(_first, fields);
        AdminSteps.ExpectFine(proposed);
        Assert.That(proposed.Body, Does.Contain(T.Get("en", "admin.policy.pending")));
        Assert.That((await AdminSteps.ControlsAsync(Appliance, "confidential")).MaxParticipants, Is.EqualTo(20), "nothing applies before approval");

        var pending = (await Appliance.Service<PolicyAdministration>().PendingAsync()).Single(p => p.Changes.Any(c => c.Control == PolicyControl.MaxParticipants && c.After == "25"));
        var ownApproval = await Forms.SubmitAsync(_first.Client, "/admin/policies", Forms.Fields(("id", pending.Id)), "/admin/policies?handler=Approve");
        Assert.That(string.Join(" ", Forms.ErrorSummary(ownApproval.Body)), Does.Contain(T.Get("en", PolicyMessages.SameOfficer)));
        Assert.That((await AdminSteps.ControlsAsync(Appliance, "confidential")).MaxParticipants, Is.EqualTo(20));

        var approval = await Forms.SubmitAsync(_second.Client, "/admin/policies", Forms.Fields(("id", pending.Id)), "/admin/policies?handler=Approve");

        AdminSteps.ExpectFine(approval);
        Assert.That((await AdminSteps.ControlsAsync(Appliance, "confidential")).MaxParticipants, Is.EqualTo(25));
        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Any(e => e.Action == AuditAction.PolicyChangeApproved && e.Outcome == AuditOutcome.Denied && e.Target == pending.Id), Is.True, "the refused self-approval is audited");
            Assert.That(entries.Any(e => e.Action == AuditAction.PolicyChangeApproved && e.Outcome == AuditOutcome.Success && e.Target == pending.Id), Is.True);
        });
    }

    [Test]
    public async Task A_rejected_loosening_never_applies()
    {
        var fields = await AdminSteps.LevelFormAsync(Appliance, "internal", f => f.DataRetentionDays = "60");
        AdminSteps.ExpectFine(await AdminSteps.PostLevelAsync(_first, fields));
        var pending = (await Appliance.Service<PolicyAdministration>().PendingAsync()).Single(p => p.Changes.Any(c => c.Control == PolicyControl.DataRetentionDays && c.After == "60"));

        var rejected = await Forms.SubmitAsync(_second.Client, "/admin/policies", Forms.Fields(("id", pending.Id)), "/admin/policies?handler=Reject");

        AdminSteps.ExpectFine(rejected);
        Assert.Multiple(async () =>
        {
            Assert.That(rejected.Body, Does.Contain(T.Get("en", "admin.policy.rejected")));
            Assert.That((await AdminSteps.ControlsAsync(Appliance, "internal")).DataRetentionDays, Is.EqualTo(30));
        });
    }

    [TestCase("Networks", "10.20.30.40/16", "networks")]
    [TestCase("Networks", "", "networks")]
    [TestCase("MaxParticipants", "1", "maxParticipants")]
    [TestCase("MaxDurationMinutes", "two hours", "maxDuration")]
    [TestCase("Guests", "Everybody", "guests")]
    [TestCase("ScreenShare", "maybe", "screenShare")]
    [TestCase("Acr", "has space\u0001", "acr")]
    public async Task An_invalid_control_is_shown_with_its_field_and_nothing_changes(string property, string value, string fieldId)
    {
        var before = await Appliance.Service<PolicyAdministration>().CurrentAsync();
        var fields = await AdminSteps.LevelFormAsync(Appliance, "internal", f => typeof(Appliance.AdminUi.Policies.LevelForm).GetProperty(property)!.SetValue(f, value));

        var page = await AdminSteps.PostLevelAsync(_first, fields);

        var after = await Appliance.Service<PolicyAdministration>().CurrentAsync();
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain($"href=\"#{fieldId}\""), "the error summary links to the field");
            Assert.That(after!.Version, Is.EqualTo(before!.Version));
        });
    }

    [Test]
    public async Task The_preview_lists_booked_meetings_that_would_become_stricter_without_changing_anything()
    {
        var meetingId = await MeetingPages.BookAsync(Admin, "Preview case conference", "internal");
        var before = await Appliance.Service<PolicyAdministration>().CurrentAsync();
        var fields = await AdminSteps.LevelFormAsync(Appliance, "internal", f => f.Chat = "no");

        var page = await AdminSteps.PostLevelAsync(_first, fields, "Preview");

        AdminSteps.ExpectFine(page);
        var after = await Appliance.Service<PolicyAdministration>().CurrentAsync();
        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("Preview case conference"));
            Assert.That(page.Body, Does.Contain(T.Get("en", "policy.control.ChatAllowed")));
            Assert.That(after!.Version, Is.EqualTo(before!.Version), "a preview changes nothing");
            Assert.That(meetingId, Is.Not.Empty);
        });
    }

    [Test]
    public async Task The_history_shows_each_version_with_its_diff()
    {
        var fields = await AdminSteps.LevelFormAsync(Appliance, "open", f => f.SipDialOut = "no");
        AdminSteps.ExpectFine(await AdminSteps.PostLevelAsync(_first, fields));

        var page = await Forms.GetAsync(_second.Client, "/admin/policies");

        Assert.Multiple(() =>
        {
            Assert.That(WebUtility.HtmlDecode(page.Body), Does.Contain(T.Get("en", "policy.control.SipDialOutAllowed") + ": Yes → No (tightened)"));
            Assert.That(page.Body, Does.Contain("Olivia First"));
        });
    }
}
