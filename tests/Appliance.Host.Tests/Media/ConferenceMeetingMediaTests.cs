using System.Net;
using System.Net.Sockets;
using Appliance.Host.Media;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Media;

/// <summary>
/// The real media plane composed into the host: a participant whose hello carries a DTLS fingerprint gets its offers
/// and slot labels, one without takes part without media, leaving and ending release the sessions, and the counters are
/// in /metrics. (Browsers answering and sending media: the browser tests.)
/// </summary>
public sealed class ConferenceMeetingMediaTests : SignallingRoomFixture
{
    private const string Fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    [Test]
    public async Task Participant_with_a_fingerprint_gets_the_media_plane_offer_and_slot_labels()
    {
        var meetingId = await BookNowAsync(Host, "Media offer");
        var socket = await EnterAsync(meetingId, Fingerprint);

        var offer = await socket.ExpectAsync("offer");
        var slots = await socket.ExpectAsync("media-slots");
        var sdp = offer.GetProperty("sdp").GetString()!;
        var port = Appliance.Service<global::Appliance.Media.Conference.ConferenceMedia>().LocalCandidates[0].Port;

        Assert.Multiple(() =>
        {
            Assert.That(offer.GetProperty("revision").GetInt64(), Is.EqualTo(1));
            Assert.That(sdp, Does.Contain("a=ice-lite"));
            Assert.That(sdp, Does.Contain("a=mid:0").And.Contain("a=mid:1").And.Contain("a=mid:2"));
            Assert.That(sdp, Does.Contain("a=setup:actpass"));
            Assert.That(sdp, Does.Contain($"127.0.0.1 {port} typ host"), "the loopback candidate on the media port");
            var tcpPort = Appliance.Service<global::Appliance.Media.Conference.ConferenceMedia>().LocalCandidates.Single(c => c.Protocol == global::Appliance.Media.CandidateProtocol.Tcp).Port;
            Assert.That(sdp, Does.Contain($" tcp ").And.Contain($"127.0.0.1 {tcpPort} typ host tcptype passive"), "and the ICE-TCP one, by default");
            Assert.That(slots.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("kind").GetString()), Is.All.AnyOf("audio", "video", "screen"));
            Assert.That(slots.GetProperty("slots").EnumerateArray().Where(s => s.GetProperty("participantId").ValueKind != System.Text.Json.JsonValueKind.Null), Is.Empty, "alone: nobody to show");
        });
    }

    [Test]
    public async Task Participant_without_a_fingerprint_takes_part_without_media()
    {
        var meetingId = await BookNowAsync(Host, "No media");
        var socket = await EnterAsync(meetingId, fingerprint: null);

        await Task.Delay(300);
        await socket.SendAsync("ping", new { id = "after" });
        await socket.ExpectAsync("pong");

        Assert.That(socket.Seen.Select(TestSocket.TypeOf), Has.None.EqualTo("offer"));
    }

    [Test]
    public async Task Leaving_and_ending_release_the_media_sessions()
    {
        var media = Appliance.Service<ConferenceMeetingMedia>();
        var meetingId = await BookNowAsync(Host, "Release");
        var host = await EnterAsync(meetingId, Fingerprint);
        await host.ExpectAsync("offer");
        var before = media.SessionCount;
        var (guest, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(guest.Socket);
        await host.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);

        // The guest's hello had no fingerprint: admitted without media, so the count stays.
        await host.SendAsync("admit", new { participantId = guest.Id });
        await guest.Socket.ExpectRosterAsync();
        var withGuest = media.SessionCount;
        await host.SendAsync("end");
        await host.ExpectAsync("ended");
        await WaitForAsync(() => media.SessionCount == before - 1);

        Assert.That(withGuest, Is.EqualTo(before));
    }

    [Test]
    public async Task Media_counters_are_in_the_metrics()
    {
        var meetingId = await BookNowAsync(Host, "Metrics");
        var socket = await EnterAsync(meetingId, Fingerprint);
        await socket.ExpectAsync("offer");

        using var client = Appliance.CreateClient();
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Match(@"(?m)^appliance_media_sessions [1-9]"));
            Assert.That(text, Does.Match(@"(?m)^appliance_media_offers_sent_total [1-9]"));
            Assert.That(text, Does.Contain("appliance_media_server_events_total{counter=\"datagrams_received\"}"));
        });
    }

    [Test]
    public void Appliance_does_not_start_when_its_media_port_is_taken()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;

        var refused = Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:Media:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.That(refused!.Message, Does.Contain("media port").And.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private async Task<TestSocket> EnterAsync(string meetingId, string? fingerprint)
    {
        var socket = await TestSocket.ConnectAsync(Appliance);
        Track(socket);
        var ticket = await StaffTicketAsync(Host, meetingId);
        if (fingerprint is null)
        {
            await socket.SendAsync("hello", new { ticket });
        }
        else
        {
            await socket.SendAsync("hello", new { ticket, dtlsFingerprint = fingerprint });
        }

        await socket.ExpectAsync("welcome");
        return socket;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TestSocket.Patience;
        while (!condition())
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), "waited in vain");
            await Task.Delay(20);
        }
    }
}
