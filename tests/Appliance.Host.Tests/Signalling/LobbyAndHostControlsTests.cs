using System.Net.WebSockets;
using System.Text.Json;
using Appliance.Host.Tests.Infrastructure;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// The meeting room over the real signalling WebSocket: the host, guests in the lobby, the host's controls, chat, hands,
/// drops and resumes, and ending. One appliance; each test books its own meeting, starting now.
/// </summary>
public sealed class LobbyAndHostControlsTests : SignallingRoomFixture
{

    [Test]
    public async Task Host_enters_directly_and_is_welcomed_as_host()
    {
        var meetingId = await BookNowAsync(Host, "Hearing about the housing benefit");

        var host = Track(await HostEntersAsync(Host, meetingId));
        var queue = await host.Socket.NextAsync();

        var welcome = host.Welcome;
        Assert.Multiple(() =>
        {
            Assert.That(welcome.GetProperty("v").GetInt32(), Is.EqualTo(1));
            Assert.That(welcome.GetProperty("role").GetString(), Is.EqualTo("host"));
            Assert.That(welcome.GetProperty("guest").GetBoolean(), Is.False);
            Assert.That(welcome.GetProperty("state").GetString(), Is.EqualTo("admitted"));
            Assert.That(welcome.GetProperty("displayName").GetString(), Is.EqualTo("Anna Jensen"));
            Assert.That(welcome.GetProperty("meeting").GetProperty("title").GetString(), Is.EqualTo("Hearing about the housing benefit"));
            Assert.That(welcome.GetProperty("meeting").GetProperty("marking").GetString(), Is.EqualTo("INTERNAL"));
            Assert.That(welcome.GetProperty("resumeToken").GetString(), Has.Length.EqualTo(43));
            Assert.That(welcome.GetProperty("reconnectWithinSeconds").GetInt32(), Is.EqualTo(30));
            Assert.That(RosterIds(JsonDocument.Parse($"{{\"participants\":{welcome.GetProperty("roster").GetRawText()}}}").RootElement), Is.EqualTo(new[] { host.Id }));
            Assert.That(TestSocket.TypeOf(queue), Is.EqualTo("lobby-queue"));
            Assert.That(queue.GetProperty("waiting").GetArrayLength(), Is.Zero);
        });
    }

    [Test]
    public async Task Guests_wait_in_the_lobby_and_the_host_sees_them_with_their_message()
    {
        var meetingId = await BookNowAsync(Host, "Follow-up with the jobcentre");
        var host = Track(await HostEntersAsync(Host, meetingId));

        var (bo, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(bo);
        var (eva, _) = await GuestEntersAsync(Host, meetingId, "Eva Berg");
        Track(eva);
        var boLobby = await bo.Socket.NextAsync();
        await eva.Socket.SendAsync("lobby-message", new { code = "late" });
        var queue = await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 2 && Waiting(q, eva.Id).GetProperty("messages").GetArrayLength() == 1);

        Assert.Multiple(() =>
        {
            Assert.That(bo.State, Is.EqualTo("lobby"));
            Assert.That(bo.Welcome.GetProperty("guest").GetBoolean(), Is.True);
            Assert.That(bo.Welcome.GetProperty("role").GetString(), Is.EqualTo("participant"));
            Assert.That(bo.Welcome.GetProperty("roster").GetArrayLength(), Is.Zero, "the lobby does not see who is inside");
            Assert.That(TestSocket.TypeOf(boLobby), Is.EqualTo("lobby"));
            Assert.That(WaitingIds(queue), Is.EqualTo(new[] { bo.Id, eva.Id }));
            Assert.That(Waiting(queue, bo.Id).GetProperty("displayName").GetString(), Is.EqualTo("Bo Hansen"));
            Assert.That(Waiting(queue, bo.Id).GetProperty("guest").GetBoolean(), Is.True);
            Assert.That(Waiting(queue, eva.Id).GetProperty("messages")[0].GetProperty("code").GetString(), Is.EqualTo("late"));
        });
    }

    [Test]
    public async Task Host_admits_one_guest_and_rejects_the_other_who_is_told_and_cannot_come_back()
    {
        var meetingId = await BookNowAsync(Host, "Meeting with the guardian");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var (bo, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(bo);
        var (eva, evaInvitation) = await GuestEntersAsync(Host, meetingId, "Eva Berg");
        Track(eva);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 2);

        await host.Socket.SendAsync("admit", new { participantId = bo.Id });
        await bo.Socket.ExpectAsync("admitted");
        var boRoster = await bo.Socket.ExpectRosterAsync();
        var hostRoster = await host.Socket.ExpectRosterAsync();
        await host.Socket.SendAsync("reject", new { participantId = eva.Id });
        var rejected = await eva.Socket.ExpectAsync("rejected");
        var closed = await eva.Socket.ClosedAsync();
        var queue = await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 0);
        var again = await TestSocket.ConnectAsync(Appliance);
        Track(again);
        await again.SendAsync("hello", new { ticket = await GuestTicketAsync(Appliance, evaInvitation) });
        var refused = await again.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(RosterIds(boRoster), Is.EqualTo(new[] { host.Id, bo.Id }));
            Assert.That(RosterIds(hostRoster), Is.EqualTo(new[] { host.Id, bo.Id }));
            Assert.That(InRoster(hostRoster, bo.Id).GetProperty("guest").GetBoolean(), Is.True);
            Assert.That(InRoster(hostRoster, host.Id).GetProperty("role").GetString(), Is.EqualTo("host"));
            Assert.That(TestSocket.TypeOf(rejected), Is.EqualTo("rejected"));
            Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
            Assert.That(WaitingIds(queue), Is.Empty);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("refused"));
        });
    }

    [Test]
    public async Task Chat_arrives_in_the_same_order_at_everyone_admitted_and_not_in_the_lobby()
    {
        var meetingId = await BookNowAsync(Host, "Case conference");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");
        var eva = await AdmittedGuestAsync(host, meetingId, "Eva Berg");
        var (waiting, _) = await GuestEntersAsync(Host, meetingId, "Finn Olsen");
        Track(waiting);

        var senders = new[] { host, bo, eva, host, eva, bo };
        await Task.WhenAll(senders.Select((sender, i) => sender.Socket.SendAsync("chat", new { text = $"message {i} from {sender.Id[..4]}" })));
        var seen = new List<List<(long Seq, string Text)>>();
        foreach (var reader in new[] { host, bo, eva })
        {
            var messages = new List<(long, string)>();
            for (var i = 0; i < senders.Length; i++)
            {
                var chat = await reader.Socket.ExpectAsync("chat");
                messages.Add((chat.GetProperty("seq").GetInt64(), chat.GetProperty("text").GetString()!));
            }

            seen.Add(messages);
        }

        var lobbySaw = await waiting.Socket.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(seen[0].Select(m => m.Seq), Is.EqualTo(Enumerable.Range(1, senders.Length).Select(i => (long)i)), "sequence 1, 2, 3 … in order");
            Assert.That(seen[1], Is.EqualTo(seen[0]), "the same order for everyone");
            Assert.That(seen[2], Is.EqualTo(seen[0]), "the same order for everyone");
            Assert.That(seen[0].Select(m => m.Text), Is.EquivalentTo(senders.Select((s, i) => $"message {i} from {s.Id[..4]}")));
            Assert.That(lobbySaw.Select(TestSocket.TypeOf), Has.No.Member("chat"));
        });
    }

    [Test]
    public async Task Chat_keeps_the_sender_name_and_refuses_bidi_overrides()
    {
        var meetingId = await BookNowAsync(Host, "Chat rules");
        var host = Track(await HostEntersAsync(Host, meetingId));

        await host.Socket.SendAsync("chat", new { text = "<b>Æblegrød</b> 👍", id = "c1" });
        var chat = await host.Socket.ExpectAsync("chat");
        await host.Socket.SendAsync("chat", new { text = "pay \u202Etxt.exe", id = "c2" });
        var error = await host.Socket.ExpectAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(chat.GetProperty("text").GetString(), Is.EqualTo("<b>Æblegrød</b> 👍"), "text arrives as text");
            Assert.That(chat.GetProperty("displayName").GetString(), Is.EqualTo("Anna Jensen"));
            Assert.That(chat.GetProperty("participantId").GetString(), Is.EqualTo(host.Id));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid-text"));
            Assert.That(error.GetProperty("id").GetString(), Is.EqualTo("c2"));
        });
    }

    [Test]
    public async Task Raised_hand_and_muted_flags_show_in_everyones_roster()
    {
        var meetingId = await BookNowAsync(Host, "Hands");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");

        await bo.Socket.SendAsync("hand", new { raised = true });
        var hostSees = await host.Socket.ExpectRosterAsync(r => InRoster(r, bo.Id).GetProperty("handRaised").GetBoolean());
        await bo.Socket.ExpectRosterAsync(r => InRoster(r, bo.Id).GetProperty("handRaised").GetBoolean());
        await bo.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = true, screenSharing = true });
        var media = await host.Socket.ExpectRosterAsync(r => InRoster(r, bo.Id).GetProperty("screenSharing").GetBoolean());

        Assert.Multiple(() =>
        {
            Assert.That(InRoster(hostSees, host.Id).GetProperty("handRaised").GetBoolean(), Is.False);
            Assert.That(InRoster(media, bo.Id).GetProperty("audioMuted").GetBoolean(), Is.False);
            Assert.That(InRoster(media, bo.Id).GetProperty("videoMuted").GetBoolean(), Is.True);
            Assert.That(InRoster(media, host.Id).GetProperty("audioMuted").GetBoolean(), Is.True, "nobody sends audio until their browser says so");
        });
    }

    [Test]
    public async Task Host_asks_a_participant_to_unmute_and_only_they_hear_it()
    {
        var meetingId = await BookNowAsync(Host, "Unmute");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");
        var eva = await AdmittedGuestAsync(host, meetingId, "Eva Berg");

        await host.Socket.SendAsync("ask-unmute", new { participantId = bo.Id });
        var asked = await bo.Socket.ExpectAsync("ask-unmute");
        var evaSaw = await eva.Socket.DrainAsync();

        Assert.That(asked.GetProperty("displayName").GetString(), Is.EqualTo("Anna Jensen"));
        Assert.That(evaSaw.Select(TestSocket.TypeOf), Has.No.Member("ask-unmute"));
    }

    [Test]
    public async Task Removed_participant_is_told_and_the_others_roster_updates()
    {
        var meetingId = await BookNowAsync(Host, "Removal");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");
        var eva = await AdmittedGuestAsync(host, meetingId, "Eva Berg");

        await host.Socket.SendAsync("remove", new { participantId = bo.Id });
        var removed = await bo.Socket.ExpectAsync("removed");
        var closed = await bo.Socket.ClosedAsync();
        var evaRoster = await eva.Socket.ExpectRosterAsync(r => !RosterIds(r).Contains(bo.Id));
        var hostRoster = await host.Socket.ExpectRosterAsync(r => !RosterIds(r).Contains(bo.Id));

        Assert.Multiple(() =>
        {
            Assert.That(TestSocket.TypeOf(removed), Is.EqualTo("removed"));
            Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
            Assert.That(RosterIds(evaRoster), Is.EqualTo(new[] { host.Id, eva.Id }));
            Assert.That(RosterIds(hostRoster), Is.EqualTo(new[] { host.Id, eva.Id }));
        });
    }

    [Test]
    public async Task Guest_cannot_use_host_controls()
    {
        var meetingId = await BookNowAsync(Host, "Not a host");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");

        await bo.Socket.SendAsync("remove", new { participantId = host.Id });
        var removeError = await bo.Socket.ExpectAsync("error");
        await bo.Socket.SendAsync("end");
        var endError = await bo.Socket.ExpectAsync("error");
        var hostSaw = await host.Socket.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(removeError.GetProperty("code").GetString(), Is.EqualTo("not-allowed"));
            Assert.That(removeError.GetProperty("about").GetString(), Is.EqualTo("remove"));
            Assert.That(endError.GetProperty("code").GetString(), Is.EqualTo("not-allowed"));
            Assert.That(hostSaw.Select(TestSocket.TypeOf), Has.No.Member("ended").And.No.Member("removed"));
        });
    }

    [Test]
    public async Task Locked_meeting_turns_a_new_guest_away_from_the_lobby()
    {
        var meetingId = await BookNowAsync(Host, "Locked");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");

        await host.Socket.SendAsync("lock", new { locked = true });
        var locked = await bo.Socket.ExpectAsync("locked");
        await host.Socket.ExpectAsync("locked");
        var invitation = await MeetingPages.InviteAsync(Host, meetingId, "Finn Olsen");
        var third = Track(await TestSocket.ConnectAsync(Appliance));
        await third.SendAsync("hello", new { ticket = await GuestTicketAsync(Appliance, invitation) });
        var refused = await third.NextAsync();
        var closed = await third.ClosedAsync();
        var hostSaw = await host.Socket.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(locked.GetProperty("locked").GetBoolean(), Is.True);
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("meeting-locked"));
            Assert.That(refused.GetProperty("message").GetString(), Does.Contain("locked"));
            Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
            Assert.That(hostSaw.Where(m => TestSocket.TypeOf(m) == "lobby-queue").SelectMany(WaitingIds), Is.Empty, "nobody new in the lobby");
        });
    }

    [Test]
    public async Task Dropped_guest_comes_back_with_the_resume_token_without_a_new_admission()
    {
        var meetingId = await BookNowAsync(Host, "Flaky network");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");
        await host.Socket.SendAsync("chat", new { text = "before the drop" });
        var before = await bo.Socket.ExpectAsync("chat");

        bo.Socket.Drop();
        var reconnecting = await host.Socket.ExpectRosterAsync(r => RosterIds(r).Contains(bo.Id) && !InRoster(r, bo.Id).GetProperty("connected").GetBoolean());
        await host.Socket.SendAsync("chat", new { text = "during the drop" });
        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = bo.ResumeToken, lastChat = before.GetProperty("seq").GetInt64() });
        var welcome = await back.NextAsync();
        var missed = await back.ExpectAsync("chat");
        var connected = await host.Socket.ExpectRosterAsync(r => InRoster(r, bo.Id).GetProperty("connected").GetBoolean());
        await back.SendAsync("chat", new { text = "I am back" });
        var fromBack = await host.Socket.ExpectAsync("chat", c => c.GetProperty("text").GetString() == "I am back");
        var oldTokenAgain = Track(await TestSocket.ConnectAsync(Appliance));
        await oldTokenAgain.SendAsync("hello", new { resume = bo.ResumeToken });
        var spent = await oldTokenAgain.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(InRoster(reconnecting, bo.Id).GetProperty("connected").GetBoolean(), Is.False);
            Assert.That(TestSocket.TypeOf(welcome), Is.EqualTo("welcome"));
            Assert.That(welcome.GetProperty("participantId").GetString(), Is.EqualTo(bo.Id));
            Assert.That(welcome.GetProperty("state").GetString(), Is.EqualTo("admitted"), "no new admission");
            Assert.That(welcome.GetProperty("resumeToken").GetString(), Is.Not.EqualTo(bo.ResumeToken));
            Assert.That(missed.GetProperty("text").GetString(), Is.EqualTo("during the drop"));
            Assert.That(RosterIds(connected), Is.EqualTo(new[] { host.Id, bo.Id }));
            Assert.That(fromBack.GetProperty("participantId").GetString(), Is.EqualTo(bo.Id));
            Assert.That(spent.GetProperty("code").GetString(), Is.EqualTo("invalid-resume"), "a resume token works once");
        });
    }

    [Test]
    public async Task Reloading_the_page_keeps_the_place_and_closes_the_old_socket_as_replaced()
    {
        var meetingId = await BookNowAsync(Host, "Reload");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var (bo, invitation) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(bo);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        await host.Socket.SendAsync("admit", new { participantId = bo.Id });
        await bo.Socket.ExpectAsync("admitted");

        var reloaded = Track(await EnterAsync(Appliance, await GuestTicketAsync(Appliance, invitation)));
        var replaced = await bo.Socket.ExpectAsync("error");
        var closed = await bo.Socket.ClosedAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reloaded.Id, Is.EqualTo(bo.Id));
            Assert.That(reloaded.State, Is.EqualTo("admitted"));
            Assert.That(replaced.GetProperty("code").GetString(), Is.EqualTo("replaced"));
            Assert.That((int?)closed, Is.EqualTo(4000));
        });
    }

    [Test]
    public async Task Ending_the_meeting_tells_everyone_and_closes_the_room()
    {
        var meetingId = await BookNowAsync(Host, "The end");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");
        var (waiting, invitation) = await GuestEntersAsync(Host, meetingId, "Eva Berg");
        Track(waiting);

        await host.Socket.SendAsync("end");
        var ended = new List<string>();
        foreach (var socket in new[] { host.Socket, bo.Socket, waiting.Socket })
        {
            ended.Add(TestSocket.TypeOf(await socket.ExpectAsync("ended")));
            Assert.That(await socket.ClosedAsync(), Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        }

        var late = Track(await TestSocket.ConnectAsync(Appliance));
        await late.SendAsync("hello", new { ticket = await GuestTicketAsync(Appliance, invitation) });
        var refused = await late.NextAsync();
        var hostAgain = Track(await TestSocket.ConnectAsync(Appliance));
        await hostAgain.SendAsync("hello", new { ticket = await StaffTicketAsync(Host, meetingId) });
        var hostRefused = await hostAgain.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ended, Is.EqualTo(new[] { "ended", "ended", "ended" }));
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("meeting-ended"));
            Assert.That(hostRefused.GetProperty("code").GetString(), Is.EqualTo("meeting-ended"));
        });
    }

    [Test]
    public async Task Leaving_closes_the_socket_and_the_others_see_it_at_once()
    {
        var meetingId = await BookNowAsync(Host, "Leaving");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var bo = await AdmittedGuestAsync(host, meetingId, "Bo Hansen");

        await bo.Socket.SendAsync("leave");
        var closed = await bo.Socket.ClosedAsync();
        var roster = await host.Socket.ExpectRosterAsync(r => !RosterIds(r).Contains(bo.Id));

        Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        Assert.That(RosterIds(roster), Is.EqualTo(new[] { host.Id }));
    }

    private async Task<Connected> AdmittedGuestAsync(Connected host, string meetingId, string name)
    {
        var (guest, _) = await GuestEntersAsync(Host, meetingId, name);
        Track(guest);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Contains(guest.Id));
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await guest.Socket.ExpectAsync("admitted");
        await guest.Socket.ExpectRosterAsync();
        await host.Socket.ExpectRosterAsync(r => RosterIds(r).Contains(guest.Id));
        return guest;
    }

    private static JsonElement Waiting(JsonElement queue, string participantId) =>
        queue.GetProperty("waiting").EnumerateArray().Single(w => w.GetProperty("participantId").GetString() == participantId);

    protected override Task<StaffSession> BootstrapAdminAsync(TestAppliance appliance) =>
        StaffSession.BootstrapAsync(appliance, displayName: "Anna Jensen");
}
