using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Storage.Audit;
using static Appliance.Core.Tests.Policy.PolicyScenario;

namespace Appliance.Core.Tests.Policy;

public sealed class PolicyEnforcementTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Path.Combine(Path.GetTempPath(), "appliance-enforcement-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_denial_is_audited_with_the_rule_and_an_allowed_action_is_not()
    {
        await using var audit = FileAuditLog.Open(new AuditLogOptions { DataDirectory = _directory }, TimeProvider.System);
        var enforcement = new PolicyEnforcement(audit);
        var meeting = Meeting(Permissive with { Guests = Appliance.Core.Policy.GuestAccess.None });

        var denied = await enforcement.DecideAsync(meeting, GuestWithPin, PolicyAction.JoinAsGuest);
        var allowed = await enforcement.DecideAsync(meeting, Host, PolicyAction.ShareScreen);

        var entries = await audit.ReadAsync(1, 10);
        Assert.Multiple(() =>
        {
            Assert.That(denied.Allowed, Is.False);
            Assert.That(allowed.Allowed, Is.True);
            Assert.That(entries, Has.Count.EqualTo(1));
            Assert.That((entries[0].Actor, entries[0].Action, entries[0].Target, entries[0].Outcome), Is.EqualTo(("guest:inv-2", AuditAction.Denied, "m-1", AuditOutcome.Denied)));
            Assert.That(entries[0].Details["rule"], Is.EqualTo(PolicyRules.GuestsNotAllowed.Id));
            Assert.That(entries[0].Details["client"], Is.EqualTo(Home.ToString()));
            Assert.That(entries[0].Details["policyAction"], Is.EqualTo("JoinAsGuest"));
        });
    }
}
