using System.Diagnostics;
using System.Text.Json;
using Appliance.LoadGen.Measurement;
using Appliance.LoadGen.Sdp;
using Appliance.LoadGen.Trace;
using Appliance.LoadGen.Workloads;
using Appliance.Media.Client;

namespace Appliance.LoadGen.ApplianceSfu;

/// <summary>
/// A meeting on the appliance: booked through the API; the first participant is its host (organiser's join ticket from
/// the API), the others are guests (an invitation each, the join ticket from their room page) whom the host admits
/// from the lobby as they arrive. Each participant answers every offer of the media plane and connects one endpoint.
/// </summary>
internal sealed class ApplianceMeeting : IMeetingSession
{
    private readonly ApplianceHttp _http;
    private readonly RunContext _context;
    private readonly string _meetingId;
    private readonly ParticipantList _participants = new();
    private readonly List<Joined> _joined = [];
    private readonly Lock _gate = new();

    public ApplianceMeeting(ApplianceHttp http, RunContext context, string meetingId)
    {
        _http = http;
        _context = context;
        _meetingId = meetingId;
    }

    public IReadOnlyList<GeneratorParticipant> Participants => _participants.Snapshot();

    public async Task AddAsync(IReadOnlyList<ParticipantSpec> specs, int firstIndex, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var start = 0;
        if (_joined.Count == 0 && specs.Count > 0)
        {
            await JoinAsync(specs[0], firstIndex, host: true, cancellationToken).ConfigureAwait(false);
            start = 1;
        }

        var guests = specs.Skip(start).Select((spec, i) => (Spec: spec, Index: firstIndex + start + i));
        await Joining.ForEachAsync(guests, (guest, token) => JoinAsync(guest.Spec, guest.Index, host: false, token), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        List<Joined> joined;
        lock (_gate)
        {
            joined = [.. _joined];
            _joined.Clear();
        }

        // Guests leave first, then the host ends the meeting, so the appliance's rooms and media sessions close at once.
        foreach (var one in joined.Where(j => !j.IsHost))
        {
            one.Signalling.Send(new() { ["type"] = "leave" });
        }

        foreach (var one in joined.Where(j => j.IsHost))
        {
            one.Signalling.Send(new() { ["type"] = "end" });
        }

        // In parallel: hundreds of listeners closing one by one would take minutes (each socket close waits a little).
        await Task.WhenAll(joined.Select(one => Task.Run(async () =>
        {
            one.Participant.Dispose();
            await one.Signalling.DisposeAsync().ConfigureAwait(false);
        }))).ConfigureAwait(false);
    }

    private async Task JoinAsync(ParticipantSpec spec, int index, bool host, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        string ticket;
        if (host)
        {
            ticket = await _http.HostTicketAsync(_meetingId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var link = await _http.InviteAsync(_meetingId, $"Guest {index}", TimeProvider.System, cancellationToken).ConfigureAwait(false);
            ticket = await _http.GuestTicketAsync(link, cancellationToken).ConfigureAwait(false);
        }

        var participant = new GeneratorParticipant(index, spec, startedAt);
        var endpoint = _context.NewEndpoint();
        participant.Own(endpoint);
        var receiver = new MediaReceiver(_context.Window);
        endpoint.RtpReceived = receiver.OnRtp;
        endpoint.RtcpReceived = receiver.OnRtcp;
        participant.Receivers.Add(receiver);
        var local = new LocalMedia(
            endpoint.LocalIceCredentials.Ufrag,
            endpoint.LocalIceCredentials.Password,
            endpoint.LocalFingerprint,
            endpoint.LocalEndPoint,
            spec.Audio ? 0x10000000u + (uint)index * 4 + 1 : null,
            spec.Video ? 0x10000000u + (uint)index * 4 + 2 : null,
            spec.Video ? 0x10000000u + (uint)index * 4 + 3 : null,
            $"loadgen{index}",
            $"participant-{index}");

        var signalling = new SignallingClient();
        var joined = new Joined(participant, signalling, host, endpoint, local, _context);
        lock (_gate)
        {
            _joined.Add(joined);
        }

        await signalling.ConnectAsync(_http.BaseAddress, _http, joined.OnMessageAsync, wantsLobbyQueue: host, cancellationToken).ConfigureAwait(false);
        signalling.Send(new() { ["type"] = "hello", ["ticket"] = ticket, ["dtlsFingerprint"] = endpoint.LocalFingerprint });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await joined.Connected.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        _participants.Add(participant);
    }

    /// <summary>One joined participant's signalling state; its handler runs on the socket's reading task.</summary>
    private sealed class Joined(
        GeneratorParticipant participant, SignallingClient signalling, bool isHost, WebRtcClientEndpoint endpoint, LocalMedia local, RunContext context)
    {
        private readonly HashSet<string> _admitted = [];
        private ulong _answers;
        private bool _connecting;

        public GeneratorParticipant Participant { get; } = participant;

        public SignallingClient Signalling { get; } = signalling;

        public bool IsHost { get; } = isHost;

        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnMessageAsync(string type, JsonElement message)
        {
            switch (type)
            {
                case "lobby-queue" when IsHost:
                    foreach (var waiting in message.GetProperty("waiting").EnumerateArray())
                    {
                        var id = waiting.GetProperty("participantId").GetString()!;
                        if (_admitted.Add(id))
                        {
                            Signalling.Send(new() { ["type"] = "admit", ["participantId"] = id });
                        }
                    }

                    break;
                case "offer":
                    Answer(message.GetProperty("revision").GetInt32(), message.GetProperty("sdp").GetString()!);
                    break;
                case "error":
                    var code = message.GetProperty("code").GetString();
                    if (code is "invalid-ticket" or "meeting-full" or "refused" or "meeting-locked")
                    {
                        Connected.TrySetException(new InvalidOperationException($"The appliance refused participant {Participant.Index}: {code}."));
                    }

                    break;
                case "rejected" or "removed" or "ended":
                    Connected.TrySetException(new InvalidOperationException($"Participant {Participant.Index} was {type}."));
                    break;
                default:
                    break;
            }

            return Task.CompletedTask;
        }

        private void Answer(int revision, string offerSdp)
        {
            var offer = SdpText.Parse(offerSdp);
            var spec = Participant.Spec;
            var answer = GeneratorSdp.Answer(
                offer,
                local,
                section => section.Mid switch
                {
                    "0" when spec.Audio => StreamKind.Audio,
                    "1" when spec.Video => StreamKind.Video,
                    _ => null,
                },
                sessionId: 7000u + (ulong)Participant.Index,
                version: ++_answers,
                withCandidates: false);
            Signalling.Send(new() { ["type"] = "answer", ["revision"] = revision, ["sdp"] = answer });
            if (!_connecting)
            {
                _connecting = true;
                _ = ConnectAsync(offer);
            }
        }

        private async Task ConnectAsync(SdpText offer)
        {
            try
            {
                await endpoint.ConnectAsync(offer.HostCandidate(), offer.IceUfrag, offer.IcePassword, offer.Fingerprint).ConfigureAwait(false);
                Participant.NegotiatedProfile = endpoint.Profile?.ToString();
                if (Participant.Spec.Audio || Participant.Spec.Video)
                {
                    var publisher = new Publisher(endpoint, Participant.Index, local.AudioSsrc, local.VideoSsrc, speaking: false);
                    Participant.Receivers[0].KeyframeRequested = publisher.RequestKeyframe;
                    Participant.Publishers.Add(publisher);
                    context.Pump.Add(publisher);
                }

                Connected.TrySetResult();
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException or FormatException or Appliance.Crypto.Dtls.DtlsHandshakeException)
            {
                Connected.TrySetException(ex);
            }
        }
    }
}
