using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;
using static Appliance.Host.Tests.Policy.PolicySteps;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Policy;

/// <summary>A resume (hello with a resume token after a drop) is an entry: the policy decides it again, as at the hello with a ticket.</summary>
public sealed class ResumePolicyTests : PolicyRoomTestBase
{
    [Test]
    public async Task A_resume_from_a_network_the_tightened_policy_no_longer_allows_is_refused_with_the_reason_and_audited()
    {
        var (meetingId, host, guest, _) = await HostAndGuestAsync("Moving around", "Bo Hansen");
        // Full with the two of them: the returning guest holds a place already and is not counted twice.
        await TightenAsync(Appliance, "internal", c => c with { MaxParticipants = 2 });
        await host.Socket.ExpectAsync("policy");

        guest.Socket.Drop();
        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = guest.ResumeToken });
        var welcome = await back.ExpectAsync("welcome");
        await TightenAsync(Appliance, "internal", c => c with { AllowedNetworks = ClientNetworks.PrivateOnly });
        await back.ExpectAsync("policy");
        back.Drop();
        var again = Track(await TestSocket.ConnectAsync(Appliance));
        await again.SendAsync("hello", new { resume = welcome.GetProperty("resumeToken").GetString() });
        var refused = await again.NextAsync();
        var closed = await again.ClosedAsync();
        var audited = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Denied && e.Target == meetingId && e.Details["rule"] == PolicyRules.NetworkNotAllowed.Id);

        Assert.Multiple(() =>
        {
            Assert.That(welcome.GetProperty("participantId").GetString(), Is.EqualTo(guest.Id), "allowed while the network is");
            Assert.That(TestSocket.TypeOf(refused), Is.EqualTo("error"));
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(refused.GetProperty("message").GetString(), Does.Contain("127.0.0.1").And.Contain("Internal"));
            Assert.That(closed, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure));
            Assert.That(audited, Is.Not.Null);
            Assert.That(audited!.Details["policyAction"], Is.EqualTo(nameof(PolicyAction.JoinAsGuest)));
            Assert.That(audited.Details["client"], Is.EqualTo("127.0.0.1"));
        });
    }

    [Test]
    public async Task A_guest_whose_invitation_was_revoked_cannot_resume()
    {
        var (meetingId, host, guest, invitation) = await HostAndGuestAsync("Revoked while away", "Eva Berg");
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);

        guest.Socket.Drop();
        var revoked = await Forms.SubmitAsync(Host.Client, "/meetings/" + meetingId, Forms.Fields(("invitationId", invitation.InvitationId)), $"/meetings/{meetingId}?handler=Revoke");
        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = guest.ResumeToken });
        var refused = await back.NextAsync();
        var audited = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Denied && e.Target == meetingId && e.Details["rule"] == "invitation.unusable");

        Assert.Multiple(() =>
        {
            Assert.That(revoked.Status, Is.EqualTo(System.Net.HttpStatusCode.Redirect).Or.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("invalid-resume"));
            Assert.That(audited?.Actor, Is.EqualTo("guest:" + invitation.InvitationId));
            Assert.That(audited?.Details["via"], Is.EqualTo("resume"));
        });
    }
}
