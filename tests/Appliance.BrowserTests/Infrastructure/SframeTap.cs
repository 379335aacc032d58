using System.Diagnostics;
using Appliance.Crypto.E2ee;
using Appliance.Media.Sfu;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// The server-side tap of the E2EE tests: registered in the appliance's services, it sees every payload the media plane
/// forwards and checks that each audio frame and each VP8 frame start is SFrame under a KID of a sender the test knows
/// (its sender index, and the stream that fits the track). Anything else counts as plaintext. Audio frames are kept
/// (they are whole SFrame ciphertexts) so that a test can try keys on them.
/// </summary>
internal sealed class SframeTap : IForwardingTap
{
    private const int Vp8PayloadType = 96;
    private const int MaxKeptAudio = 50_000;

    private readonly Lock _lock = new();
    private readonly List<TappedAudio> _audio = [];
    private readonly List<string> _plaintextSamples = [];
    private HashSet<int> _senders = [];
    private long _audioPackets;
    private long _audioSframe;
    private long _videoPackets;
    private long _videoFrameStarts;
    private long _videoSframe;
    private long _plaintext;
    private long _empty;

    /// <summary>The sender indexes of the roster; frames under any other are counted as plaintext.</summary>
    public void AllowSenders(IEnumerable<int> senderIndexes)
    {
        lock (_lock)
        {
            _senders = [.. senderIndexes];
        }
    }

    /// <inheritdoc />
    public void OnForward(ParticipantKey from, TrackKind kind, int payloadType, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            if (payload.IsEmpty)
            {
                _empty++;
                return;
            }

            if (kind == TrackKind.Audio)
            {
                _audioPackets++;
                if (SframeFrames.TryParseOpusPayload(payload, out var header) && IsSender(header.Kid, kind))
                {
                    _audioSframe++;
                    if (_audio.Count < MaxKeptAudio)
                    {
                        _audio.Add(new TappedAudio(Stopwatch.GetTimestamp(), header.Kid, payload.ToArray()));
                    }
                }
                else
                {
                    Plaintext(kind, payload);
                }

                return;
            }

            _videoPackets++;
            if (payloadType != Vp8PayloadType)
            {
                Plaintext(kind, payload);
                return;
            }

            // RFC 7741 §4.2: S = 1 and PID = 0 in the descriptor's first byte start a frame; only that packet has the
            // clear prefix and the SFrame header, the rest of the frame is ciphertext continued.
            if ((payload[0] & 0x10) == 0 || (payload[0] & 0x07) != 0)
            {
                return;
            }

            _videoFrameStarts++;
            if (SframeFrames.TryParseVp8Payload(payload, out var videoHeader, out _, out _) && IsSender(videoHeader.Kid, kind))
            {
                _videoSframe++;
            }
            else
            {
                Plaintext(kind, payload);
            }
        }
    }

    /// <summary>The counts so far.</summary>
    public TapCounts Counts
    {
        get
        {
            lock (_lock)
            {
                return new TapCounts(_audioPackets, _audioSframe, _videoPackets, _videoFrameStarts, _videoSframe, _plaintext, _empty, [.. _plaintextSamples]);
            }
        }
    }

    /// <summary>The audio frames forwarded since <paramref name="sinceTimestamp"/> (a Stopwatch timestamp).</summary>
    public IReadOnlyList<TappedAudio> AudioSince(long sinceTimestamp)
    {
        lock (_lock)
        {
            return [.. _audio.Where(a => a.At >= sinceTimestamp)];
        }
    }

    private bool IsSender(ulong kid, TrackKind kind)
    {
        if (!SenderKid.TryDecompose(kid, out var parts) || !_senders.Contains(parts.SenderIndex))
        {
            return false;
        }

        return kind switch
        {
            TrackKind.Audio => parts.Stream == StreamKind.Microphone,
            TrackKind.Video => parts.Stream == StreamKind.Camera,
            TrackKind.Screen => parts.Stream == StreamKind.Screen,
            _ => false,
        };
    }

    private void Plaintext(TrackKind kind, ReadOnlySpan<byte> payload)
    {
        _plaintext++;
        if (_plaintextSamples.Count < 5)
        {
            _plaintextSamples.Add($"{kind} {Convert.ToHexString(payload[..Math.Min(24, payload.Length)])}");
        }
    }
}

/// <summary>One forwarded audio frame: when, its KID, and the SFrame ciphertext.</summary>
internal sealed record TappedAudio(long At, ulong Kid, byte[] Payload);

/// <summary>What the tap saw: every audio payload and every VP8 frame start, and how many were SFrame of a known sender.</summary>
internal sealed record TapCounts(
    long AudioPackets, long AudioSframe, long VideoPackets, long VideoFrameStarts, long VideoSframe, long Plaintext, long Empty, IReadOnlyList<string> PlaintextSamples)
{
    public override string ToString() =>
        $"{AudioPackets} audio payloads ({AudioSframe} SFrame), {VideoPackets} video packets with {VideoFrameStarts} frame starts ({VideoSframe} SFrame), {Plaintext} plaintext, {Empty} empty";
}
