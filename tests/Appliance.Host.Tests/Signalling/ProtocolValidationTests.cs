using System.Net;
using System.Net.WebSockets;
using System.Text;
using Appliance.Host.Tests.Infrastructure;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// What the signalling endpoint does with things a browser on our pages never sends: other origins, bad tickets, and
/// invalid messages. Each invalid message gets an error and is counted; the connection and everyone else carry on, until
/// 20 in a minute close it with 1008.
/// </summary>
public sealed class ProtocolValidationTests : SignallingRoomFixture
{

    [TestCase("https://evil.example", TestName = "Upgrade_from_a_foreign_origin_is_refused")]
    [TestCase("", TestName = "Upgrade_without_an_origin_is_refused")]
    [TestCase("null", TestName = "Upgrade_from_an_opaque_origin_is_refused")]
    [TestCase("http://127.0.0.1", TestName = "Upgrade_from_the_same_host_over_plain_http_is_refused")]
    [TestCase("https://127.0.0.1:1", TestName = "Upgrade_from_the_same_host_on_another_port_is_refused")]
    public async Task Upgrade_from_an_origin_other_than_the_appliance_is_refused(string origin)
    {
        using var socket = TestSocket.Create(Appliance, origin);
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TestSocket.Patience);

        var refused = Assert.ThrowsAsync<WebSocketException>(async () => await socket.ConnectAsync(TestSocket.Address(Appliance), timeout.Token));

        Assert.That(refused, Is.Not.Null);
        Assert.That(socket.HttpStatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Upgrade_from_the_appliance_own_origin_is_accepted()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        await socket.SendAsync("ping", new { id = "p1" });
        var pong = await socket.NextAsync();

        Assert.That(TestSocket.TypeOf(pong), Is.EqualTo("pong"));
        Assert.That(pong.GetProperty("id").GetString(), Is.EqualTo("p1"));
    }

    [Test]
    public async Task Plain_request_to_the_socket_address_is_told_to_upgrade()
    {
        using var client = Appliance.CreateClient();

        var response = await client.GetAsync(new Uri("/ws", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UpgradeRequired));
    }

    private static IEnumerable<TestCaseData> BadTickets()
    {
        yield return new TestCaseData("CfDJ8" + new string('A', 200)).SetName("Hello_with_a_forged_ticket_is_refused_and_closed_with_1008");
        yield return new TestCaseData("tampered").SetName("Hello_with_an_altered_ticket_is_refused_and_closed_with_1008");
    }

    [TestCaseSource(nameof(BadTickets))]
    public async Task Hello_with_a_bad_ticket_is_refused(string ticket)
    {
        var meetingId = await BookNowAsync(Host, "Tickets");
        if (ticket == "tampered")
        {
            var real = await StaffTicketAsync(Host, meetingId);
            ticket = real[..^6] + (real[^6] == 'A' ? "B" : "A") + real[^5..];
        }

        var socket = Track(await TestSocket.ConnectAsync(Appliance));
        await socket.SendAsync("hello", new { ticket });
        var error = await socket.NextAsync();
        var closed = await socket.ClosedAsync();

        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid-ticket"));
            Assert.That(error.GetProperty("about").GetString(), Is.EqualTo("hello"));
            Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        });
    }

    [Test]
    public async Task Hello_with_an_unknown_resume_token_is_refused()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        await socket.SendAsync("hello", new { resume = global::Appliance.Crypto.SecretToken.Generate() });
        var error = await socket.NextAsync();

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid-resume"));
        Assert.That(await socket.ClosedAsync(), Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
    }

    [Test]
    public async Task Messages_before_hello_are_refused_but_the_hello_still_works()
    {
        var meetingId = await BookNowAsync(Host, "Hello first");
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        await socket.SendAsync("chat", new { text = "hi" });
        var error = await socket.NextAsync();
        await socket.SendAsync("hello", new { ticket = await StaffTicketAsync(Host, meetingId) });
        var welcome = await socket.NextAsync();

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("hello-required"));
        Assert.That(TestSocket.TypeOf(welcome), Is.EqualTo("welcome"));
    }

    private static IEnumerable<TestCaseData> InvalidMessages()
    {
        TestCaseData Case(string name, string text, string code, string? field = null) =>
            new TestCaseData(text, code, field).SetName("Invalid_message_with_" + name + "_gets_" + code.Replace('-', '_'));

        yield return Case("broken_json", "{\"v\":1,\"type\":\"chat\",", "bad-json");
        yield return Case("plain_text", "hello there", "bad-json");
        yield return Case("an_array", "[1,2,3]", "bad-json");
        yield return Case("a_repeated_field", "{\"v\":1,\"type\":\"hand\",\"raised\":true,\"raised\":false}", "bad-json", "raised");
        yield return Case("deep_nesting", "{\"v\":1,\"type\":\"hand\",\"raised\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}}", "bad-json");
        yield return Case("an_unknown_type", "{\"v\":1,\"type\":\"teleport\"}", "unknown-type", "type");
        yield return Case("version_2", "{\"v\":2,\"type\":\"ping\"}", "unsupported-version", "v");
        yield return Case("a_string_version", "{\"v\":\"1\",\"type\":\"ping\"}", "unsupported-version", "v");
        yield return Case("no_version", "{\"type\":\"ping\"}", "missing-field", "v");
        yield return Case("no_type", "{\"v\":1}", "missing-field", "type");
        yield return Case("a_missing_field", "{\"v\":1,\"type\":\"hand\"}", "missing-field", "raised");
        yield return Case("an_extra_field", "{\"v\":1,\"type\":\"hand\",\"raised\":true,\"colour\":\"red\"}", "unknown-field", "colour");
        yield return Case("an_extra_field_with_an_odd_name", "{\"v\":1,\"type\":\"ping\",\"<script>\\n\":1}", "unknown-field", "?");
        yield return Case("a_wrongly_typed_field", "{\"v\":1,\"type\":\"hand\",\"raised\":\"yes\"}", "invalid-field", "raised");
        yield return Case("an_unknown_lobby_code", "{\"v\":1,\"type\":\"lobby-message\",\"code\":\"please\"}", "invalid-field", "code");
        yield return Case("a_malformed_participant_id", "{\"v\":1,\"type\":\"admit\",\"participantId\":\"../../etc\"}", "invalid-field", "participantId");
        yield return Case("chat_over_2000_characters", "{\"v\":1,\"type\":\"chat\",\"text\":\"" + new string('x', 2001) + "\"}", "invalid-field", "text");
        yield return Case("a_lone_surrogate", "{\"v\":1,\"type\":\"chat\",\"text\":\"a\\ud800b\"}", "invalid-field", "text");
        yield return Case("an_oversized_chat", "{\"v\":1,\"type\":\"chat\",\"text\":\"x\",\"pad\":\"" + new string(' ', 17 * 1024) + "\"}", "too-large");
        yield return Case("over_64_KiB", "{\"v\":1,\"type\":\"answer\",\"revision\":1,\"sdp\":\"" + new string('a', 70 * 1024) + "\"}", "too-large");
        yield return Case("a_short_fingerprint", "{\"v\":1,\"type\":\"hello\",\"ticket\":\"abc\",\"dtlsFingerprint\":\"AB:CD\"}", "invalid-field", "dtlsFingerprint");
        yield return Case("a_fingerprint_with_the_algorithm", "{\"v\":1,\"type\":\"hello\",\"ticket\":\"abc\",\"dtlsFingerprint\":\"sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)) + "\"}", "invalid-field", "dtlsFingerprint");
        yield return Case("a_fingerprint_of_non_hex", "{\"v\":1,\"type\":\"hello\",\"ticket\":\"abc\",\"dtlsFingerprint\":\"" + string.Join(':', Enumerable.Repeat("GG", 32)) + "\"}", "invalid-field", "dtlsFingerprint");
        yield return Case("a_public_key_of_31_bytes", Hello("\"" + new string('B', 42) + "\""), "invalid-field", "e2eePublicKey");
        yield return Case("a_public_key_of_33_bytes", Hello("\"" + new string('B', 44) + "\""), "invalid-field", "e2eePublicKey");
        yield return Case("a_padded_public_key", Hello("\"" + new string('B', 43) + "=\""), "invalid-field", "e2eePublicKey");
        yield return Case("a_public_key_in_plain_base64", Hello("\"" + new string('B', 41) + "+/\""), "invalid-field", "e2eePublicKey");
        yield return Case("a_public_key_with_stray_bits", Hello("\"" + new string('B', 42) + "B\""), "invalid-field", "e2eePublicKey");
        yield return Case("an_all_zero_public_key", Hello("\"" + new string('A', 43) + "\""), "invalid-field", "e2eePublicKey");
        yield return Case("a_public_key_as_a_number", Hello("42"), "invalid-field", "e2eePublicKey");
        yield return Case("chat_with_text_and_sealed", "{\"v\":1,\"type\":\"chat\",\"text\":\"hi\",\"sealed\":\"AAAA\"}", "invalid-field", "text");
        yield return Case("chat_with_neither_text_nor_sealed", "{\"v\":1,\"type\":\"chat\"}", "invalid-field", "text");
        yield return Case("sealed_chat_not_base64url", "{\"v\":1,\"type\":\"chat\",\"sealed\":\"AA==\"}", "invalid-field", "sealed");
        yield return Case("sealed_chat_over_8_KiB", "{\"v\":1,\"type\":\"chat\",\"sealed\":\"" + new string('A', 11_000) + "\"}", "invalid-field", "sealed");
        yield return Case("a_key_without_sealed", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "1", null), "missing-field", "sealed");
        yield return Case("a_key_without_a_recipient", "{\"v\":1,\"type\":\"e2ee-key\",\"gen\":1,\"sealed\":\"" + new string('A', 107) + "\"}", "missing-field", "to");
        yield return Case("a_key_to_a_malformed_id", Key("\"../x\"", "1", new string('A', 107)), "invalid-field", "to");
        yield return Case("a_key_of_a_negative_generation", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "-1", new string('A', 107)), "invalid-field", "gen");
        yield return Case("a_key_of_a_fractional_generation", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "1.5", new string('A', 107)), "invalid-field", "gen");
        yield return Case("a_key_of_a_huge_generation", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "4294967296", new string('A', 107)), "invalid-field", "gen");
        yield return Case("a_sealed_key_over_256_bytes", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "1", new string('A', 343)), "invalid-field", "sealed");
        yield return Case("a_sealed_key_shorter_than_enc_and_tag", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "1", new string('A', 64)), "invalid-field", "sealed");
        yield return Case("a_sealed_key_not_base64url", Key("\"k3jz5q2w7m4n6p2r2t4v6x2z2b\"", "1", new string('A', 100) + "!!!!!!!"), "invalid-field", "sealed");
        yield return Case("a_key_with_an_unknown_field", "{\"v\":1,\"type\":\"e2ee-key\",\"to\":\"k3jz5q2w7m4n6p2r2t4v6x2z2b\",\"gen\":1,\"sealed\":\"" + new string('A', 107) + "\",\"key\":\"x\"}", "unknown-field", "key");
        yield return Case("a_second_hello", "{\"v\":1,\"type\":\"hello\",\"ticket\":\"abc\"}", "already-joined");
        yield return Case("an_answer_without_an_offer", "{\"v\":1,\"type\":\"answer\",\"revision\":1,\"sdp\":\"v=0\\r\\n\"}", "no-offer", "revision");
    }

    private static string Hello(string publicKeyJson) =>
        "{\"v\":1,\"type\":\"hello\",\"ticket\":\"abc\",\"e2eePublicKey\":" + publicKeyJson + "}";

    private static string Key(string toJson, string gen, string? sealedKey) =>
        "{\"v\":1,\"type\":\"e2ee-key\",\"to\":" + toJson + ",\"gen\":" + gen + (sealedKey is null ? "" : ",\"sealed\":\"" + sealedKey + "\"") + "}";

    [TestCaseSource(nameof(InvalidMessages))]
    public async Task Invalid_message_gets_an_error_and_the_connection_and_others_carry_on(string text, string code, string? field)
    {
        var meetingId = await BookNowAsync(Host, "Garbage in");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var (guest, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(guest.Socket);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await guest.Socket.ExpectRosterAsync();
        var series = $"appliance_signalling_invalid_messages_total{{code=\"{code}\"}}";
        var before = await MetricAsync(Appliance, series);

        await guest.Socket.SendTextAsync(text);
        var error = await guest.Socket.ExpectAsync("error");
        await guest.Socket.SendAsync("chat", new { text = "still here" });
        var own = await guest.Socket.ExpectAsync("chat");
        var other = await host.Socket.ExpectAsync("chat");
        var after = await MetricAsync(Appliance, series);

        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
            Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
            Assert.That(error.TryGetProperty("field", out var f) ? f.GetString() : null, Is.EqualTo(field));
            Assert.That(own.GetProperty("text").GetString(), Is.EqualTo("still here"), "the connection carries on");
            Assert.That(other.GetProperty("text").GetString(), Is.EqualTo("still here"), "the others carry on");
            Assert.That(guest.Socket.State, Is.EqualTo(WebSocketState.Open));
            if (code != "no-offer")
            {
                Assert.That(after, Is.EqualTo(before + 1), "counted");
            }
        });
    }

    [Test]
    public async Task Binary_frame_gets_an_error_and_the_connection_carries_on()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        await socket.SendBinaryAsync([1, 2, 3]);
        var error = await socket.NextAsync();
        await socket.SendAsync("ping");
        var pong = await socket.NextAsync();

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("binary-frame"));
        Assert.That(TestSocket.TypeOf(pong), Is.EqualTo("pong"));
    }

    [Test]
    public async Task Error_names_the_message_it_is_about()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        await socket.SendTextAsync("{\"v\":1,\"type\":\"hand\",\"id\":\"m-17\",\"raised\":1}");
        var error = await socket.NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid-field"));
            Assert.That(error.GetProperty("field").GetString(), Is.EqualTo("raised"));
            Assert.That(error.GetProperty("about").GetString(), Is.EqualTo("hand"));
            Assert.That(error.GetProperty("id").GetString(), Is.EqualTo("m-17"));
        });
    }

    [Test]
    public async Task Error_texts_follow_the_page_language()
    {
        var socket = TestSocket.Create(Appliance);
        socket.Options.SetRequestHeader("Accept-Language", "da");
        using var timeout = new CancellationTokenSource(TestSocket.Patience);
        await socket.ConnectAsync(TestSocket.Address(Appliance), timeout.Token);
        var buffer = new byte[4096];

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"v\":1,\"type\":\"teleport\"}"), WebSocketMessageType.Text, true, timeout.Token);
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        socket.Abort();
        socket.Dispose();

        Assert.That(Encoding.UTF8.GetString(buffer, 0, received.Count), Does.Contain("Ukendt slags besked."));
    }

    [Test]
    public async Task Nineteen_invalid_messages_in_a_minute_keep_the_connection_open()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        for (var i = 0; i < 19; i++)
        {
            await socket.SendTextAsync("not json " + i);
        }

        var before = await socket.DrainAsync();

        Assert.That(before.Select(m => m.GetProperty("code").GetString()), Is.EqualTo(Enumerable.Repeat("bad-json", 19)));
        Assert.That(socket.State, Is.EqualTo(WebSocketState.Open));
    }

    [Test]
    public async Task Twenty_invalid_messages_in_a_minute_close_the_connection_with_1008()
    {
        var meetingId = await BookNowAsync(Host, "Flood");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var other = Track(await TestSocket.ConnectAsync(Appliance));
        var closesBefore = await MetricAsync(Appliance, "appliance_signalling_closes_total{reason=\"too-many-invalid\"}");

        for (var i = 0; i < 20; i++)
        {
            await other.SendTextAsync("{\"v\":1,\"type\":\"nonsense\"}");
        }

        var errors = new List<string>();
        for (var i = 0; i < 21; i++)
        {
            errors.Add((await other.ExpectAsync("error")).GetProperty("code").GetString()!);
        }

        var closed = await other.ClosedAsync();
        await host.Socket.SendAsync("chat", new { text = "unaffected" });
        var chat = await host.Socket.ExpectAsync("chat");

        Assert.Multiple(async () =>
        {
            Assert.That(errors.Take(20), Is.All.EqualTo("unknown-type"));
            Assert.That(errors[20], Is.EqualTo("too-many-invalid"));
            Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
            Assert.That(chat.GetProperty("text").GetString(), Is.EqualTo("unaffected"));
            Assert.That(await MetricAsync(Appliance, "appliance_signalling_closes_total{reason=\"too-many-invalid\"}"), Is.EqualTo(closesBefore + 1));
        });
    }
}
