using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;
using static Appliance.Host.Tests.Policy.PolicySteps;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Policy;

/// <summary>A tightening reaches running meetings at once, over real WebSocket participants; a loosening does not.</summary>
public sealed class LiveTighteningTests : PolicyRoomTestBase
{
    [Test]
    public async Task Tightening_screen_share_stops_a_running_share_and_tells_the_room_why()
    {
        var (meetingId, host, guest, _) = await HostAndGuestAsync("Running review", "Bo Hansen");
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await guest.Socket.ExpectAsync("admitted");
        await guest.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = true });
        await host.Socket.ExpectRosterAsync(r => InRoster(r, guest.Id).GetProperty("screenSharing").GetBoolean());

        await TightenAsync(Appliance, "internal", c => c with { ScreenShareAllowed = false });
        var sharerTold = await guest.Socket.ExpectAsync("policy");
        // The room's new state first, then why.
        var roster = await host.Socket.ExpectRosterAsync(r => !InRoster(r, guest.Id).GetProperty("screenSharing").GetBoolean());
        var hostTold = await host.Socket.ExpectAsync("policy");
        await guest.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = true });
        var again = await guest.Socket.ExpectAsync("error");
        var audited = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Denied && e.Actor == PolicyAdministration.SystemActor && e.Target == meetingId);

        Assert.Multiple(() =>
        {
            Assert.That(audited, Is.Not.Null, "the stopped share is audited as a denial");
            Assert.That(audited!.Outcome, Is.EqualTo(AuditOutcome.Denied));
            Assert.That(audited.Details["participant"], Is.EqualTo(guest.Id));
            Assert.That(audited.Details["rule"], Is.EqualTo(PolicyRules.ScreenShareNotAllowed.Id));
            Assert.That(audited.Details["level"], Is.EqualTo("internal"));
            Assert.That(sharerTold.GetProperty("stopped").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "screenShare" }));
            Assert.That(sharerTold.GetProperty("controls").GetProperty("screenShare").GetBoolean(), Is.False);
            Assert.That(sharerTold.GetProperty("message").GetString(), Does.Contain("Internal"));
            Assert.That(hostTold.GetProperty("stopped").GetArrayLength(), Is.Zero);
            Assert.That(InRoster(roster, guest.Id).GetProperty("screenSharing").GetBoolean(), Is.False);
            Assert.That(again.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
        });
    }

    [Test]
    public async Task Tightening_guests_to_none_turns_away_guests_in_the_lobby_and_chat_off_refuses_chat()
    {
        var (meetingId, host, guest, _) = await HostAndGuestAsync("Closing the doors", "Eva Berg");
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);

        await TightenAsync(Appliance, "internal", c => c with { Guests = GuestAccess.None, ChatAllowed = false });
        var rejected = await guest.Socket.ExpectAsync("rejected");
        var queue = await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 0);
        await host.Socket.ExpectAsync("policy");
        await host.Socket.SendAsync("chat", new { text = "still there?" });
        var chat = await host.Socket.ExpectAsync("error");
        var audited = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.Rejected && e.Actor == PolicyAdministration.SystemActor);

        Assert.Multiple(() =>
        {
            Assert.That(TestSocket.TypeOf(rejected), Is.EqualTo("rejected"));
            Assert.That(WaitingIds(queue), Is.Empty);
            Assert.That(chat.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
            Assert.That(audited, Is.Not.Null);
            Assert.That(audited!.Target, Is.EqualTo(meetingId));
            Assert.That(audited.Outcome, Is.EqualTo(AuditOutcome.Denied));
        });
    }

    [Test]
    public async Task Loosening_waits_for_a_second_officer_and_never_reaches_a_booked_meeting()
    {
        await TightenAsync(Appliance, "internal", c => c with { ScreenShareAllowed = false });
        var meetingId = await BookNowAsync(Host, "Booked while strict");
        var administration = Appliance.Service<PolicyAdministration>();
        var current = (await administration.CurrentAsync())!.Set;
        var loosened = current.WithLevel(current.Get("internal").WithControls(current.Get("internal").Controls with { ScreenShareAllowed = true }));
        var proposal = await administration.ProposeAsync(Officer, loosened, "allow sharing again");
        var approved = await administration.ApproveAsync(new("officer-two", "Second Officer", StaffRoles.SecurityOfficer), proposal.Value!.Pending!.Id);

        var host = Track(await HostEntersAsync(Host, meetingId));
        await host.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = true });
        var refused = await host.Socket.ExpectAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(proposal.Value!.Applied, Is.Null);
            Assert.That(approved.Succeeded, Is.True);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("policy-denied"));
        });
    }
}
