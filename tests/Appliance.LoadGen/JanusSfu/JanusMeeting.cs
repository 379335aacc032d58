using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.LoadGen.Measurement;
using Appliance.LoadGen.Sdp;
using Appliance.LoadGen.Trace;
using Appliance.LoadGen.Workloads;
using Appliance.Media.Client;

namespace Appliance.LoadGen.JanusSfu;

/// <summary>
/// A VideoRoom room on Janus with the same participants as on the appliance. Janus has one PeerConnection per
/// direction, so a participant has a publisher handle and endpoint (it offers: audio mid 0, video mid 1, setup:active)
/// and a subscriber handle and endpoint (Janus offers one multistream subscription; it answers setup:active). Each
/// subscribes to the same streams the appliance would send it: every other audio publisher, and the video of the
/// first <see cref="RunContext.LastN"/> other video publishers in join order.
/// </summary>
internal sealed class JanusMeeting : IMeetingSession
{
    private readonly JanusHttp _janus;
    private readonly RunContext _context;
    private readonly long _room;
    private readonly Lock _gate = new();
    private readonly ParticipantList _participants = new();
    private readonly SortedDictionary<int, (long Feed, ParticipantSpec Spec)> _feeds = [];
    private readonly Dictionary<int, HashSet<(int Publisher, StreamKind Kind)>> _subscribed = [];

    public JanusMeeting(JanusHttp janus, RunContext context, long room)
    {
        _janus = janus;
        _context = context;
        _room = room;
    }

    public IReadOnlyList<GeneratorParticipant> Participants => _participants.Snapshot();

    public async Task AddAsync(IReadOnlyList<ParticipantSpec> specs, int firstIndex, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var joining = specs.Select((spec, i) => new GeneratorParticipant(firstIndex + i, spec, Stopwatch.GetTimestamp())).ToList();
        // Publishers first: a subscription names feeds that must exist.
        await ForEachAsync(joining.Where(p => p.Spec.Audio || p.Spec.Video), PublishAsync, cancellationToken).ConfigureAwait(false);
        // Those already in the room subscribe to the newcomers' streams (on another subscriber PeerConnection), as a
        // client does when Janus announces new publishers.
        await ForEachAsync(Participants.Concat(joining), SubscribeAsync, cancellationToken).ConfigureAwait(false);
        foreach (var participant in joining)
        {
            _participants.Add(participant);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Participants.Select(participant => Task.Run(participant.Dispose))).ConfigureAwait(false);

        await _janus.DisposeAsync().ConfigureAwait(false);
    }

    private static Task ForEachAsync(IEnumerable<GeneratorParticipant> participants, Func<GeneratorParticipant, CancellationToken, Task> join, CancellationToken cancellationToken) =>
        Joining.ForEachAsync(
            participants,
            async (participant, token) =>
            {
                try
                {
                    await join(participant, token).ConfigureAwait(false);
                }
                catch
                {
                    participant.Dispose();
                    throw;
                }
            },
            cancellationToken);

    private (WebRtcClientEndpoint Endpoint, LocalMedia Local) NewEndpoint(GeneratorParticipant participant, bool publishing)
    {
        var endpoint = _context.NewEndpoint(JanusDriver.HostAddress);
        participant.Own(endpoint);
        var receiver = new MediaReceiver(_context.Window);
        endpoint.RtpReceived = receiver.OnRtp;
        endpoint.RtcpReceived = receiver.OnRtcp;
        participant.Receivers.Add(receiver);
        var index = (uint)participant.Index;
        var local = new LocalMedia(
            endpoint.LocalIceCredentials.Ufrag,
            endpoint.LocalIceCredentials.Password,
            endpoint.LocalFingerprint,
            endpoint.LocalEndPoint,
            publishing && participant.Spec.Audio ? 0x20000000u + index * 4 + 1 : null,
            publishing && participant.Spec.Video ? 0x20000000u + index * 4 + 2 : null,
            publishing && participant.Spec.Video ? 0x20000000u + index * 4 + 3 : null,
            $"loadgen{index}",
            $"participant-{index}");
        return (endpoint, local);
    }

    private async Task PublishAsync(GeneratorParticipant participant, CancellationToken cancellationToken)
    {
        var (endpoint, local) = NewEndpoint(participant, publishing: true);
        var handle = await _janus.AttachAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["request"] = "joinandconfigure",
            ["room"] = _room,
            ["ptype"] = "publisher",
            ["display"] = $"participant {participant.Index}",
        };
        var offer = new JsonObject { ["type"] = "offer", ["sdp"] = GeneratorSdp.PublisherOffer(local, 9000u + (ulong)participant.Index), ["trickle"] = false };
        var joined = await _janus.MessageAsync(handle, body, offer, cancellationToken).ConfigureAwait(false);
        var feed = joined.GetProperty("plugindata").GetProperty("data").GetProperty("id").GetInt64();
        var answer = SdpText.Parse(Jsep(joined));
        await endpoint.ConnectAsync(answer.HostCandidate(), answer.IceUfrag, answer.IcePassword, answer.Fingerprint, cancellationToken).ConfigureAwait(false);
        participant.NegotiatedProfile = endpoint.Profile?.ToString();
        var publisher = new Publisher(endpoint, participant.Index, local.AudioSsrc, local.VideoSsrc, speaking: false);
        participant.Receivers[^1].KeyframeRequested = publisher.RequestKeyframe;
        participant.Publishers.Add(publisher);
        _context.Pump.Add(publisher);
        lock (_gate)
        {
            _feeds[participant.Index] = (feed, participant.Spec);
        }
    }

    private async Task SubscribeAsync(GeneratorParticipant participant, CancellationToken cancellationToken)
    {
        var streams = new JsonArray();
        lock (_gate)
        {
            if (!_subscribed.TryGetValue(participant.Index, out var subscribed))
            {
                _subscribed[participant.Index] = subscribed = [];
            }

            var videos = 0;
            foreach (var (index, (feed, spec)) in _feeds)
            {
                if (index == participant.Index)
                {
                    continue;
                }

                if (spec.Audio && subscribed.Add((index, StreamKind.Audio)))
                {
                    streams.Add(new JsonObject { ["feed"] = feed, ["mid"] = "0" });
                }

                if (spec.Video && videos < _context.LastN)
                {
                    videos++;
                    if (subscribed.Add((index, StreamKind.Video)))
                    {
                        streams.Add(new JsonObject { ["feed"] = feed, ["mid"] = "1" });
                    }
                }
            }
        }

        if (streams.Count == 0)
        {
            return;
        }

        var (endpoint, local) = NewEndpoint(participant, publishing: false);
        var handle = await _janus.AttachAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject { ["request"] = "join", ["room"] = _room, ["ptype"] = "subscriber", ["streams"] = streams };
        var attached = await _janus.MessageAsync(handle, body, null, cancellationToken).ConfigureAwait(false);
        var offer = SdpText.Parse(Jsep(attached));
        var answer = GeneratorSdp.Answer(offer, local, _ => null, 9500u + (ulong)participant.Index, 1, withCandidates: true);
        await _janus.MessageAsync(handle, new JsonObject { ["request"] = "start" }, new JsonObject { ["type"] = "answer", ["sdp"] = answer }, cancellationToken).ConfigureAwait(false);
        await endpoint.ConnectAsync(offer.HostCandidate(), offer.IceUfrag, offer.IcePassword, offer.Fingerprint, cancellationToken).ConfigureAwait(false);
        participant.NegotiatedProfile ??= endpoint.Profile?.ToString();
    }

    private static string Jsep(JsonElement janusEvent) =>
        janusEvent.TryGetProperty("jsep", out var jsep) ? jsep.GetProperty("sdp").GetString()! : throw new InvalidOperationException("Janus answered without a JSEP.");
}
