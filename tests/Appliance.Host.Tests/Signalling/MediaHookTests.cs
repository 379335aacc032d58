using System.Collections.Concurrent;
using System.Net.WebSockets;
using Appliance.Core.Rooms;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// The hook between signalling and the media plane, with a media plane that records what it is told and offers on join:
/// offers reach the browser, answers reach the media plane, and joins, reconnects, leaves and the end arrive in order.
/// </summary>
public sealed class MediaHookTests : SignallingRoomFixture
{
    private const string OfferSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private const string AnswerSdp = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private readonly RecordingMedia _media = new();

    [Test]
    public async Task Media_plane_offer_reaches_the_browser_and_its_answer_comes_back()
    {
        var meetingId = await BookNowAsync(Host, "Media");
        var host = Track(await HostEntersAsync(Host, meetingId));

        var offer = await host.Socket.ExpectAsync("offer");
        await host.Socket.SendAsync("answer", new { revision = offer.GetProperty("revision").GetInt64(), sdp = AnswerSdp });
        var answer = await _media.Answers.Reader.ReadAsync(new CancellationTokenSource(TestSocket.Patience).Token);
        await host.Socket.SendAsync("answer", new { revision = offer.GetProperty("revision").GetInt64(), sdp = AnswerSdp });
        var second = await host.Socket.ExpectAsync("error");

        Assert.Multiple(() =>
        {
            Assert.That(offer.GetProperty("sdp").GetString(), Is.EqualTo(OfferSdp));
            Assert.That(answer.Participant.ParticipantId, Is.EqualTo(host.Id));
            Assert.That(answer.Participant.Role, Is.EqualTo(RoomRole.Host));
            Assert.That(answer.Answer.Sdp, Is.EqualTo(AnswerSdp));
            Assert.That(second.GetProperty("code").GetString(), Is.EqualTo("no-offer"), "an offer is answered once");
        });
    }

    [Test]
    public async Task Media_plane_hears_of_admission_media_state_reconnect_leave_and_end_in_order()
    {
        var meetingId = await BookNowAsync(Host, "Media order");
        var host = Track(await HostEntersAsync(Host, meetingId));
        await _media.WaitForAsync(meetingId, $"join {host.Id}");
        var (guest, _) = await GuestEntersAsync(Host, meetingId, "Bo Hansen");
        Track(guest.Socket);
        await host.Socket.ExpectAsync("lobby-queue", q => WaitingIds(q).Count == 1);
        var beforeAdmission = _media.CallsFor(meetingId);

        await host.Socket.SendAsync("admit", new { participantId = guest.Id });
        await guest.Socket.ExpectAsync("offer");
        await guest.Socket.SendAsync("media-state", new { audioMuted = false, videoMuted = false, screenSharing = true });
        await host.Socket.ExpectRosterAsync(r => InRoster(r, guest.Id).GetProperty("screenSharing").GetBoolean());
        guest.Socket.Drop();
        await host.Socket.ExpectRosterAsync(r => !InRoster(r, guest.Id).GetProperty("connected").GetBoolean());
        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = guest.ResumeToken });
        await back.ExpectAsync("welcome");
        var reoffer = await back.ExpectAsync("offer");
        await back.SendAsync("leave");
        await host.Socket.ExpectRosterAsync(r => !RosterIds(r).Contains(guest.Id));
        await host.Socket.SendAsync("end");
        await host.Socket.ExpectAsync("ended");
        await _media.WaitForAsync(meetingId, "end");

        Assert.Multiple(() =>
        {
            Assert.That(beforeAdmission, Is.EqualTo(new[] { $"join {host.Id}" }), "nobody in the lobby has media");
            Assert.That(_media.CallsFor(meetingId), Is.EqualTo(new[]
            {
                $"join {host.Id}",
                $"join {guest.Id}",
                $"media-state {guest.Id} screen",
                $"reconnect {guest.Id}",
                $"leave {guest.Id}",
                "end",
            }));
            Assert.That(reoffer.GetProperty("revision").GetInt64(), Is.EqualTo(1), "a new connection starts its offers afresh");
        });
    }

    [Test]
    public async Task Fingerprint_from_the_hello_reaches_the_media_plane_and_slots_and_speakers_reach_the_browser()
    {
        const string First = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
        const string Second = "01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:20";
        var meetingId = await BookNowAsync(Host, "Fingerprints");
        var socket = Track(await TestSocket.ConnectAsync(Appliance));
        await socket.SendAsync("hello", new { ticket = await StaffTicketAsync(Host, meetingId), dtlsFingerprint = First });
        var welcome = await socket.ExpectAsync("welcome");
        var hostId = welcome.GetProperty("participantId").GetString()!;
        await socket.ExpectAsync("offer");
        var slots = await socket.ExpectAsync("media-slots");
        var speakers = await socket.ExpectAsync("speakers");

        socket.Drop();
        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = welcome.GetProperty("resumeToken").GetString(), dtlsFingerprint = Second });
        await back.ExpectAsync("welcome");
        await back.ExpectAsync("offer");
        await _media.WaitForAsync(meetingId, $"reconnect {hostId}");

        Assert.Multiple(() =>
        {
            Assert.That(_media.FingerprintsOf(hostId), Is.EqualTo(new[] { First, Second }), "the join's, then the reconnect's own");
            var slot = slots.GetProperty("slots").EnumerateArray().ToList();
            Assert.That(slot.Select(s => s.GetProperty("mid").GetString()), Is.EqualTo(new[] { "3", "4" }));
            Assert.That(slot.Select(s => s.GetProperty("kind").GetString()), Is.EqualTo(new[] { "video", "audio" }));
            Assert.That(slot[0].GetProperty("participantId").GetString(), Is.EqualTo("someone"));
            Assert.That(slot[1].GetProperty("participantId").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
            Assert.That(speakers.GetProperty("order").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "someone", hostId }));
            Assert.That(speakers.GetProperty("dominant").GetString(), Is.EqualTo("someone"));
        });
    }

    [Test]
    public async Task Participant_without_a_fingerprint_is_joined_without_one()
    {
        var meetingId = await BookNowAsync(Host, "No fingerprint");
        var host = Track(await HostEntersAsync(Host, meetingId));
        await _media.WaitForAsync(meetingId, $"join {host.Id}");

        Assert.That(_media.FingerprintsOf(host.Id), Is.EqualTo(new string?[] { null }));
    }

    [Test]
    public async Task Connection_without_hello_is_closed_after_the_timeout()
    {
        var socket = Track(await TestSocket.ConnectAsync(Appliance));

        var error = await socket.NextAsync();
        var closed = await socket.ClosedAsync();

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("hello-timeout"));
        Assert.That(closed, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
    }

    protected override Task<TestAppliance> StartApplianceAsync() =>
        TestAppliance.StartAsync(
            new Dictionary<string, string> { ["Appliance:Signalling:HelloTimeoutSeconds"] = "1" },
            configure: builder => builder.Services.AddSingleton<IMeetingMedia>(_media));

    /// <summary>A media plane that offers once per join or reconnect and writes down what it is told.</summary>
    private sealed class RecordingMedia : IMeetingMedia
    {
        private readonly ConcurrentQueue<(string MeetingId, string Call)> _calls = new();
        private readonly ConcurrentQueue<(string ParticipantId, string? Fingerprint)> _fingerprints = new();

        public List<string?> FingerprintsOf(string participantId) =>
            _fingerprints.Where(f => f.ParticipantId == participantId).Select(f => f.Fingerprint).ToList();

        public System.Threading.Channels.Channel<(MediaParticipant Participant, MediaAnswer Answer)> Answers { get; } =
            System.Threading.Channels.Channel.CreateUnbounded<(MediaParticipant, MediaAnswer)>();

        public List<string> CallsFor(string meetingId) => _calls.Where(c => c.MeetingId == meetingId).Select(c => c.Call).ToList();

        public async Task WaitForAsync(string meetingId, string call)
        {
            var deadline = TimeProvider.System.GetUtcNow() + TestSocket.Patience;
            while (!CallsFor(meetingId).Contains(call))
            {
                Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), $"the media plane never heard '{call}'");
                await Task.Delay(20);
            }
        }

        public ValueTask JoinAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken)
        {
            _fingerprints.Enqueue((participant.ParticipantId, participant.DtlsFingerprint));
            _calls.Enqueue((participant.MeetingId, $"join {participant.ParticipantId}"));
            signals.TrySendOffer(new MediaOffer(1, OfferSdp));
            signals.TrySendSlots([new MediaSlot("3", MediaSlotKind.Video, "someone"), new MediaSlot("4", MediaSlotKind.Audio, null)]);
            signals.TrySendSpeakers(new MediaSpeakers(["someone", participant.ParticipantId], "someone"));
            return ValueTask.CompletedTask;
        }

        public ValueTask ReconnectAsync(MediaParticipant participant, IMediaSignals signals, CancellationToken cancellationToken)
        {
            _fingerprints.Enqueue((participant.ParticipantId, participant.DtlsFingerprint));
            _calls.Enqueue((participant.MeetingId, $"reconnect {participant.ParticipantId}"));
            signals.TrySendOffer(new MediaOffer(1, OfferSdp));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnAnswerAsync(MediaParticipant participant, MediaAnswer answer, CancellationToken cancellationToken)
        {
            Answers.Writer.TryWrite((participant, answer));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnMediaStateAsync(MediaParticipant participant, MediaState state, CancellationToken cancellationToken)
        {
            _calls.Enqueue((participant.MeetingId, $"media-state {participant.ParticipantId}{(state.ScreenSharing ? " screen" : "")}"));
            return ValueTask.CompletedTask;
        }

        public ValueTask LeaveAsync(MediaParticipant participant, CancellationToken cancellationToken)
        {
            _calls.Enqueue((participant.MeetingId, $"leave {participant.ParticipantId}"));
            return ValueTask.CompletedTask;
        }

        public ValueTask EndAsync(string meetingId, CancellationToken cancellationToken)
        {
            _calls.Enqueue((meetingId, "end"));
            return ValueTask.CompletedTask;
        }
    }
}
