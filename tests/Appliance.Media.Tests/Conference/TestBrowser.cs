using System.Collections.Concurrent;
using Appliance.Media.Client;
using Appliance.Media.Conference;
using Appliance.Media.Rtp;
using Appliance.Media.Sfu;
using Appliance.Media.Tests.Sfu;

namespace Appliance.Media.Tests.Conference;

/// <summary>
/// A participant's browser for the conference tests: a <see cref="WebRtcClientEndpoint"/> on loopback, its
/// signalling (<see cref="RecordingSignals"/>), Chrome-like answers, Opus-like audio with the audio level and
/// VP8-like video with key frames, and what it received, per SSRC. Every packet it sends ends with its
/// <see cref="Tag"/>, so a receiver can tell whose media arrived on which SSRC.
/// </summary>
internal sealed class TestBrowser : IDisposable
{
    private readonly ulong _sessionId;
    private ulong _answerVersion = 1;
    private ushort _audioSequence;
    private ushort _videoSequence = 1000;
    private ushort _screenSequence = 2000;
    private uint _rounds;
    private volatile bool _publishing;
    private volatile bool _autoAnswer;
    private volatile bool _speaking;
    private int _answeredRevision;

    public TestBrowser(string id, byte tag)
    {
        Id = id;
        Tag = tag;
        _sessionId = 1000u + tag;
        Endpoint = new WebRtcClientEndpoint(new WebRtcClientOptions { ConsentInterval = TimeSpan.FromSeconds(1) });
        Endpoint.RtpReceived = OnRtp;
        var baseSsrc = 0x5EED0000u + ((uint)tag << 4);
        Source = new AnswerSource(
            Endpoint.LocalIceCredentials.Ufrag,
            Endpoint.LocalIceCredentials.Password,
            Endpoint.LocalFingerprint,
            AudioSsrc: baseSsrc + 1,
            VideoSsrc: baseSsrc + 2,
            VideoRtxSsrc: baseSsrc + 3,
            ScreenSsrc: null,
            ScreenRtxSsrc: null,
            Cname: $"cname{tag}",
            StreamId: $"stream-{id}");
    }

    public string Id { get; }

    public byte Tag { get; }

    public WebRtcClientEndpoint Endpoint { get; }

    public AnswerSource Source { get; set; }

    public RecordingSignals Signals { get; } = new();

    public MediaSession? Session { get; set; }

    public uint AudioSsrc => Source.AudioSsrc;

    /// <summary>Received RTP per SSRC: packets and the tag of the last one.</summary>
    public ConcurrentDictionary<uint, ReceivedStream> Received { get; } = new();

    /// <summary>Answers that <see cref="AnswerIfNew"/> got refused.</summary>
    public ConcurrentQueue<AnswerResult> Refusals { get; } = new();

    public bool Publishing
    {
        get => _publishing;
        set => _publishing = value;
    }

    /// <summary>Whether the audio says voice at -20 dBov (RFC 6464) rather than silence.</summary>
    public bool Speaking
    {
        get => _speaking;
        set => _speaking = value;
    }

    /// <summary>Whether the rig's pump answers every new offer at once, as a browser does.</summary>
    public bool AutoAnswer
    {
        get => _autoAnswer;
        set => _autoAnswer = value;
    }

    public int AnsweredRevision
    {
        get => Volatile.Read(ref _answeredRevision);
        set => Volatile.Write(ref _answeredRevision, value);
    }

    public long ReceivedFrom(uint ssrc) => Received.TryGetValue(ssrc, out var stream) ? stream.Packets : 0;

    public string AnswerTo(OfferText offer, AnswerSource? source = null) =>
        ChromeAnswer.Write(offer, source ?? Source, _sessionId, Interlocked.Increment(ref _answerVersion));

    /// <summary>Answers the latest offer if it is newer than the last one answered.</summary>
    public void AnswerIfNew(ConferenceMedia media)
    {
        if (Session is not { } session || Signals.LatestOffer is not { } offer || offer.Revision <= AnsweredRevision)
        {
            return;
        }

        var result = media.Answer(session, offer.Revision, AnswerTo(offer));
        AnsweredRevision = offer.Revision;
        if (!result.IsAccepted)
        {
            Refusals.Enqueue(result);
        }
    }

    /// <summary>
    /// One 20 ms audio packet (silence: level 127 without voice activity, unless <see cref="Speaking"/>) and one
    /// video frame (a key frame every third), and the same frame as screen video while sharing.
    /// </summary>
    public void SendRound()
    {
        var round = _rounds++;
        var level = Speaking ? (true, 20) : (false, 127);
        var audio = Packets.Rtp(
            AudioSsrc, _audioSequence++, round * 960, SfuOptions.OpusPayloadType, [0xFC, 0x01, 0x02, 0x03, Tag], audioLevel: level, mid: "0");
        Endpoint.SendRtp(audio);

        byte[] frame = round % 3 == 0 ? Packets.Vp8KeyframeStart((ushort)round, filler: 30) : Packets.Vp8DeltaStart((ushort)round, filler: 30);
        frame[^1] = Tag;
        var video = Packets.Rtp(Source.VideoSsrc, _videoSequence++, round * 3000, SfuOptions.Vp8PayloadType, frame, marker: true, mid: "1");
        Endpoint.SendRtp(video);
        if (Source.ScreenSsrc is { } screenSsrc)
        {
            var screen = Packets.Rtp(screenSsrc, _screenSequence++, round * 3000, SfuOptions.Vp8PayloadType, frame, marker: true, mid: "2");
            Endpoint.SendRtp(screen);
        }
    }

    public void Dispose() => Endpoint.Dispose();

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (RtpHeader.Read(packet, out var header) != RtpParseResult.Ok || !header.TryGetPayload(packet, out var payload) || payload.IsEmpty)
        {
            return;
        }

        var stream = Received.GetOrAdd(header.Ssrc, static _ => new ReceivedStream());
        stream.Record(payload[^1], header.PayloadType);
    }
}

/// <summary>What arrived on one SSRC.</summary>
internal sealed class ReceivedStream
{
    private long _packets;
    private int _lastTag;
    private int _lastPayloadType;

    public long Packets => Interlocked.Read(ref _packets);

    public int LastTag => Volatile.Read(ref _lastTag);

    public int LastPayloadType => Volatile.Read(ref _lastPayloadType);

    public void Record(byte tag, int payloadType)
    {
        Volatile.Write(ref _lastTag, tag);
        Volatile.Write(ref _lastPayloadType, payloadType);
        Interlocked.Increment(ref _packets);
    }
}
