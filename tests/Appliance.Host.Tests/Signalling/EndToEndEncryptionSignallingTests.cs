using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Appliance.Host.Tests.Infrastructure;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// The server's part of end-to-end encryption (crypto/Appliance.Crypto/E2ee/README.md): public keys and sender indexes
/// in the roster, the epoch moving with every change of the admitted roster, sealed sender keys relayed to exactly the
/// one recipient, sealed chat stored and relayed as it came, and the refusal of browsers that cannot encrypt where the
/// level requires it.
/// </summary>
public sealed class EndToEndEncryptionSignallingTests : SignallingRoomFixture
{

    [Test]
    public async Task Roster_carries_public_keys_sender_indexes_and_an_epoch_that_moves_with_the_admitted_roster()
    {
        var meetingId = await BookNowAsync(Host, "Keys in the roster");
        var hostKey = NewKey();
        var guestKey = NewKey();
        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), hostKey);
        var (guest, _) = await GuestWithKeyAsync(meetingId, "Bo Hansen", guestKey);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);

        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        var both = await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 2);
        await guest.Socket.SendAsync("leave");
        var alone = await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 1);

        var first = host.Welcome.GetProperty("e2ee");
        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("enabled").GetBoolean(), Is.True, "the host alone, with a key");
            Assert.That(first.GetProperty("required").GetBoolean(), Is.False, "internal does not require it");
            Assert.That(first.GetProperty("epoch").GetInt64(), Is.EqualTo(1));
            Assert.That(InRoster(both, host.Id).GetProperty("publicKey").GetString(), Is.EqualTo(hostKey));
            Assert.That(InRoster(both, host.Id).GetProperty("senderIndex").GetInt32(), Is.EqualTo(1));
            Assert.That(InRoster(both, guest.Id).GetProperty("publicKey").GetString(), Is.EqualTo(guestKey));
            Assert.That(InRoster(both, guest.Id).GetProperty("senderIndex").GetInt32(), Is.EqualTo(2));
            Assert.That(both.GetProperty("e2ee").GetProperty("enabled").GetBoolean(), Is.True);
            Assert.That(both.GetProperty("e2ee").GetProperty("epoch").GetInt64(), Is.EqualTo(2), "admission is a change");
            Assert.That(alone.GetProperty("e2ee").GetProperty("epoch").GetInt64(), Is.EqualTo(3), "leaving is a change");
        });
    }

    [Test]
    public async Task A_participant_without_a_key_makes_the_meeting_not_encrypted_and_is_shown_with_null()
    {
        var meetingId = await BookNowAsync(Host, "An old browser");
        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), NewKey());
        var (guest, _) = await GuestEntersAsync(Host, meetingId, "Old Browser");
        Track(guest.Socket);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);

        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        var roster = await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 2);

        Assert.Multiple(() =>
        {
            Assert.That(roster.GetProperty("e2ee").GetProperty("enabled").GetBoolean(), Is.False);
            Assert.That(InRoster(roster, guest.Id).GetProperty("publicKey").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(InRoster(roster, guest.Id).GetProperty("senderIndex").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(InRoster(roster, host.Id).GetProperty("senderIndex").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Sealed_sender_key_reaches_only_its_recipient_unchanged_and_names_its_sender()
    {
        var (host, guest, third) = await ThreeAdmittedAsync("Key relay");
        var sealedKey = Base64Url(RandomNumberGenerator.GetBytes(80));

        await host.Socket.SendAsync("e2ee-key", new { to = guest.Id, gen = 7, @sealed = sealedKey });
        var relayed = await guest.Socket.ExpectAsync("e2ee-key");
        var atThird = await third.Socket.DrainAsync();
        var atHost = await host.Socket.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(relayed.GetProperty("from").GetString(), Is.EqualTo(host.Id));
            Assert.That(relayed.GetProperty("gen").GetInt64(), Is.EqualTo(7));
            Assert.That(relayed.GetProperty("sealed").GetString(), Is.EqualTo(sealedKey));
            Assert.That(relayed.TryGetProperty("to", out _), Is.False);
            Assert.That(atThird.Where(m => TestSocket.TypeOf(m) == "e2ee-key"), Is.Empty, "nobody else gets it");
            Assert.That(atHost.Where(m => TestSocket.TypeOf(m) is "e2ee-key" or "error"), Is.Empty, "no echo, no error");
        });
    }

    [Test]
    public async Task A_burst_of_sealed_keys_as_in_a_full_meeting_passes_the_rate_limit_in_order()
    {
        var (host, guest, _) = await ThreeAdmittedAsync("Key burst");
        var sealedKey = Base64Url(RandomNumberGenerator.GetBytes(80));

        // 99 recipients at one roster change in a meeting of 100; the message rate alone allows bursts of 40.
        for (var gen = 0; gen < 99; gen++)
        {
            await host.Socket.SendAsync("e2ee-key", new { to = guest.Id, gen, @sealed = sealedKey });
        }

        var gens = new List<long>();
        while (gens.Count < 99)
        {
            gens.Add((await guest.Socket.ExpectAsync("e2ee-key")).GetProperty("gen").GetInt64());
        }

        var atHost = await host.Socket.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(gens, Is.EqualTo(Enumerable.Range(0, 99).Select(g => (long)g)));
            Assert.That(atHost.Where(m => TestSocket.TypeOf(m) == "error"), Is.Empty, "no rate-limited error");
        });
    }

    [Test]
    public async Task Sealed_sender_key_to_oneself_a_stranger_or_someone_in_the_lobby_is_refused()
    {
        var (host, guest, _) = await ThreeAdmittedAsync("Key relay refusals");
        var (waiting, _) = await GuestWithKeyAsync(host.Welcome.GetProperty("meeting").GetProperty("id").GetString()!, "Still Waiting", NewKey());
        var other = await BookNowAsync(Host, "Another meeting");
        var stranger = await EnterWithKeyAsync(await StaffTicketAsync(Host, other), NewKey());
        var sealedKey = Base64Url(RandomNumberGenerator.GetBytes(80));

        var codes = new List<string>();
        foreach (var to in new[] { guest.Id[..^1] + (guest.Id[^1] == 'a' ? 'b' : 'a'), host.Id, waiting.Id, stranger.Id })
        {
            await host.Socket.SendAsync("e2ee-key", new { to, gen = 1, @sealed = sealedKey });
            codes.Add((await host.Socket.ExpectAsync("error")).GetProperty("code").GetString()!);
        }

        var atWaiting = await waiting.Socket.DrainAsync();
        var atStranger = await stranger.Socket.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(codes, Is.EqualTo(new[] { "unknown-participant", "not-on-self", "not-admitted", "unknown-participant" }));
            Assert.That(atWaiting.Concat(atStranger).Where(m => TestSocket.TypeOf(m) == "e2ee-key"), Is.Empty);
        });
    }

    [Test]
    public async Task Encrypted_meeting_relays_and_replays_sealed_chat_only_and_refuses_plain_text()
    {
        var (host, guest, third) = await ThreeAdmittedAsync("Sealed chat");
        var sealedText = Base64Url(RandomNumberGenerator.GetBytes(60));

        await host.Socket.SendAsync("chat", new { text = "in the clear" });
        var refused = await host.Socket.ExpectAsync("error");
        await host.Socket.SendAsync("chat", new { @sealed = sealedText });
        var atGuest = await guest.Socket.ExpectAsync("chat");
        await third.Socket.ExpectAsync("chat");
        third.Socket.Drop();
        var resumed = Track(await TestSocket.ConnectAsync(Appliance));
        await resumed.SendAsync("hello", new { resume = third.ResumeToken, lastChat = 0, e2eePublicKey = InRoster(await host.Socket.ExpectRosterAsync(), third.Id).GetProperty("publicKey").GetString() });
        var replayed = await resumed.ExpectAsync("chat");

        Assert.Multiple(() =>
        {
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("e2ee-chat-required"));
            Assert.That(refused.GetProperty("message").GetString(), Does.Contain("encrypted"));
            Assert.That(atGuest.GetProperty("sealed").GetString(), Is.EqualTo(sealedText));
            Assert.That(atGuest.TryGetProperty("text", out _), Is.False, "no plain text field at all");
            Assert.That(atGuest.GetProperty("participantId").GetString(), Is.EqualTo(host.Id));
            Assert.That(replayed.GetProperty("sealed").GetString(), Is.EqualTo(sealedText), "what the server kept to replay");
            Assert.That(replayed.TryGetProperty("text", out _), Is.False, "the server keeps the ciphertext only");
        });
    }

    [Test]
    public async Task Sealed_chat_is_refused_while_someone_cannot_read_it()
    {
        var meetingId = await BookNowAsync(Host, "Sealed chat, old browser");
        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), NewKey());
        var (guest, _) = await GuestEntersAsync(Host, meetingId, "Old Browser");
        Track(guest.Socket);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 2);

        await host.Socket.SendAsync("chat", new { @sealed = Base64Url(RandomNumberGenerator.GetBytes(40)) });
        var refused = await host.Socket.ExpectAsync("error");
        await host.Socket.SendAsync("chat", new { text = "plain is fine here" });
        var plain = await guest.Socket.ExpectAsync("chat");

        Assert.Multiple(() =>
        {
            Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("e2ee-chat-unavailable"));
            Assert.That(plain.GetProperty("text").GetString(), Is.EqualTo("plain is fine here"));
        });
    }

    [TestCase("en", "Chrome, Edge, Firefox or Safari")]
    [TestCase("da", "Chrome, Edge, Firefox eller Safari")]
    [TestCase("sv", "Chrome, Edge, Firefox eller Safari")]
    public async Task Confidential_meeting_refuses_a_browser_without_e2ee_and_says_which_to_use(string language, string browsers)
    {
        var meetingId = await BookNowAsync(Host, "Must be encrypted", "confidential");
        var ticket = await StaffTicketAsync(Host, meetingId);
        var socket = TestSocket.Create(Appliance);
        socket.Options.SetRequestHeader("Accept-Language", language);
        using var timeout = new CancellationTokenSource(TestSocket.Patience);
        await socket.ConnectAsync(TestSocket.Address(Appliance), timeout.Token);

        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["v"] = 1, ["type"] = "hello", ["ticket"] = ticket }), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        var error = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;
        var close = await socket.ReceiveAsync(buffer, timeout.Token);
        socket.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("e2ee-required"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(browsers));
            Assert.That(close.MessageType, Is.EqualTo(WebSocketMessageType.Close));
            Assert.That(socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        });
    }

    [Test]
    public async Task Confidential_meeting_admits_a_browser_with_e2ee_and_says_it_is_required()
    {
        var meetingId = await BookNowAsync(Host, "Encrypted, as required", "confidential");

        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), NewKey());

        var e2ee = host.Welcome.GetProperty("e2ee");
        Assert.Multiple(() =>
        {
            Assert.That(e2ee.GetProperty("required").GetBoolean(), Is.True);
            Assert.That(e2ee.GetProperty("enabled").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task Resume_with_the_same_key_keeps_index_and_epoch_and_a_reload_with_a_new_key_moves_the_epoch()
    {
        var meetingId = await BookNowAsync(Host, "Keys across reconnects");
        var hostKey = NewKey();
        var guestKey = NewKey();
        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), hostKey);
        var (guest, invitation) = await GuestWithKeyAsync(meetingId, "Bo Hansen", guestKey);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        var before = await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 2);

        guest.Socket.Drop();
        await host.Socket.ExpectRosterAsync(r => !InRoster(r, guest.Id).GetProperty("connected").GetBoolean());
        var resumed = Track(await TestSocket.ConnectAsync(Appliance));
        await resumed.SendAsync("hello", new { resume = guest.ResumeToken, e2eePublicKey = guestKey });
        var welcome = await resumed.ExpectAsync("welcome");
        var back = await host.Socket.ExpectRosterAsync(r => InRoster(r, guest.Id).GetProperty("connected").GetBoolean());
        var newKey = NewKey();
        var reloaded = await EnterWithKeyAsync(await GuestTicketAsync(Appliance, invitation), newKey);
        var afterReload = await host.Socket.ExpectRosterAsync(r => InRoster(r, guest.Id).GetProperty("publicKey").GetString() == newKey);

        Assert.Multiple(() =>
        {
            Assert.That(Epoch(back), Is.EqualTo(Epoch(before)), "a drop and resume is no roster change");
            Assert.That(welcome.GetProperty("e2ee").GetProperty("epoch").GetInt64(), Is.EqualTo(Epoch(before)));
            Assert.That(InRoster(back, guest.Id).GetProperty("senderIndex").GetInt32(), Is.EqualTo(2));
            Assert.That(Epoch(afterReload), Is.EqualTo(Epoch(before) + 1), "a new key pair is a new member for the others");
            Assert.That(InRoster(afterReload, guest.Id).GetProperty("senderIndex").GetInt32(), Is.EqualTo(2), "never reused or renumbered");
            Assert.That(reloaded.Id, Is.EqualTo(guest.Id));
        });
    }

    private static long Epoch(JsonElement roster) => roster.GetProperty("e2ee").GetProperty("epoch").GetInt64();

    private async Task<(Connected Host, Connected Guest, Connected Third)> ThreeAdmittedAsync(string title)
    {
        var meetingId = await BookNowAsync(Host, title);
        var host = await EnterWithKeyAsync(await StaffTicketAsync(Host, meetingId), NewKey());
        var (guest, _) = await GuestWithKeyAsync(meetingId, "Bo Hansen", NewKey());
        var (third, _) = await GuestWithKeyAsync(meetingId, "Eva Holm", NewKey());
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 2);
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await host.Socket.SendAsync("admit", new { participantId = third.Id });
        await host.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 3);
        await guest.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 3);
        await third.Socket.ExpectRosterAsync(r => RosterIds(r).Count == 3);
        return (host, guest, third);
    }

    private async Task<Connected> EnterWithKeyAsync(string ticket, string publicKey)
    {
        var entered = await EnterAsync(Appliance, ticket, publicKey);
        Track(entered.Socket);
        return entered;
    }

    private async Task<(Connected Guest, IssuedInvitation Invitation)> GuestWithKeyAsync(string meetingId, string name, string publicKey)
    {
        var invitation = await MeetingPages.InviteAsync(Host, meetingId, name);
        var guest = await EnterWithKeyAsync(await GuestTicketAsync(Appliance, invitation), publicKey);
        return (guest, invitation);
    }

    // A real X25519 public key is 32 random-looking bytes; the server checks only the form.
    private static string NewKey() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
