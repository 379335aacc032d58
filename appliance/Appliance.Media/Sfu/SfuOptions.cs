namespace Appliance.Media.Sfu;

/// <summary>
/// How the router forwards. The constants are the values our own SDP offers fix for every participant,
/// publisher and subscriber alike, so that packets can be forwarded without renumbering payload types or
/// header extensions: the SDP layer must use exactly these.
/// </summary>
public sealed class SfuOptions
{
    /// <summary>a=extmap id of urn:ietf:params:rtp-hdrext:ssrc-audio-level (RFC 6464), passed through.</summary>
    public const int AudioLevelExtensionId = 1;

    /// <summary>
    /// a=extmap id of urn:ietf:params:rtp-hdrext:sdes:mid (RFC 8843). The router blanks this element (turns it into
    /// padding) in every forwarded packet, because the publisher's MID means nothing at the subscriber: subscribers
    /// demultiplex by the SSRCs the layout reports, which the SDP must signal (a=ssrc).
    /// </summary>
    public const int MidExtensionId = 3;

    /// <summary>Opus (RFC 7587), 48 kHz.</summary>
    public const int OpusPayloadType = 111;

    /// <summary>VP8 (RFC 7741), 90 kHz.</summary>
    public const int Vp8PayloadType = 96;

    /// <summary>RTX (RFC 4588) for VP8: apt=96.</summary>
    public const int Vp8RtxPayloadType = 97;

    /// <summary>H.264 (RFC 6184), packetization-mode=1, 90 kHz.</summary>
    public const int H264PayloadType = 102;

    /// <summary>RTX (RFC 4588) for H.264: apt=102.</summary>
    public const int H264RtxPayloadType = 103;

    /// <summary>The RTP clock of Opus.</summary>
    public const int AudioClockRate = 48_000;

    /// <summary>The RTP clock of every video codec.</summary>
    public const int VideoClockRate = 90_000;

    /// <summary>Sees every forwarded payload; tests only (see <see cref="IForwardingTap"/>). Null in production.</summary>
    public IForwardingTap? Tap { get; init; }

    /// <summary>How many camera videos each subscriber receives: those of the last N dominant speakers.</summary>
    public int LastN { get; init; } = 9;

    /// <summary>Maps the ticks passed to the router to wall-clock NTP time; also fixes the tick frequency.</summary>
    public NtpClock Clock { get; init; } = NtpClock.FromTimeProvider(TimeProvider.System);

    /// <summary>Keyframe requests (PLI/FIR) to one publisher's stream are sent at most this often.</summary>
    public TimeSpan KeyframeRequestInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How often sender and receiver reports are generated.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Packets kept per published video stream for retransmission; a power of two.</summary>
    public int RetransmissionBufferPackets { get; init; } = 512;

    /// <summary>The largest plaintext RTP packet accepted; larger ones are dropped and counted.</summary>
    public int MaxPacketSize { get; init; } = 1500;

    /// <summary>At most this many retransmissions are sent in answer to one RTCP compound packet.</summary>
    public int MaxRetransmissionsPerFeedback { get; init; } = 64;

    /// <summary>
    /// Retransmissions per second one subscriber can get, on average (a token bucket holding a quarter second's
    /// worth, and never less than <see cref="MaxRetransmissionsPerFeedback"/>): a NACK flood costs the router
    /// bounded work, whatever the subscriber sends.
    /// </summary>
    public int RetransmissionsPerSecond { get; init; } = 1000;

    /// <summary>The same packet is retransmitted to the same subscriber at most this often.</summary>
    public TimeSpan MinRetransmissionInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A packet counts as speech when its RFC 6464 level is at most this many dB below overload (0 is loudest,
    /// 127 silence) and its voice-activity bit is set.
    /// </summary>
    public int SpeechLevelThreshold { get; init; } = 50;

    /// <summary>The sliding window over which speech is judged.</summary>
    public TimeSpan SpeechWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The window is kept in buckets of this length; a bucket is voiced when most of its packets are speech.</summary>
    public TimeSpan SpeechBucket { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A participant is speaking while at least this much of the window is voiced.</summary>
    public TimeSpan SustainedSpeech { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// A speaker takes over from a dominant speaker who is still speaking only when louder by this factor (summed
    /// loudness over the window); a dominant speaker who has stopped is replaced by any speaker.
    /// </summary>
    public double DominanceMargin { get; init; } = 1.5;

    /// <summary>Seeds the router's own SSRCs; by default from the operating system's random generator.</summary>
    public ulong SsrcSeed { get; init; } = NewSeed();

    /// <summary>The RTX payload type for a media payload type, or false for a codec without RTX.</summary>
    public static bool TryGetRtxPayloadType(int payloadType, out int rtxPayloadType)
    {
        rtxPayloadType = payloadType switch
        {
            Vp8PayloadType => Vp8RtxPayloadType,
            H264PayloadType => H264RtxPayloadType,
            _ => -1,
        };
        return rtxPayloadType >= 0;
    }

    /// <summary>Whether the router forwards <paramref name="payloadType"/> on a track of <paramref name="kind"/>.</summary>
    public static bool IsSupported(TrackKind kind, int payloadType) => kind switch
    {
        TrackKind.Audio => payloadType == OpusPayloadType,
        TrackKind.Video or TrackKind.Screen => payloadType is Vp8PayloadType or H264PayloadType,
        _ => false,
    };

    /// <summary>The RTP clock rate of a track of <paramref name="kind"/>.</summary>
    public static int ClockRate(TrackKind kind) => kind switch
    {
        TrackKind.Audio => AudioClockRate,
        TrackKind.Video or TrackKind.Screen => VideoClockRate,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(LastN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LastN, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(Clock.TicksPerSecond, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetransmissionBufferPackets, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RetransmissionBufferPackets, 32768);
        if ((RetransmissionBufferPackets & (RetransmissionBufferPackets - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RetransmissionBufferPackets), "Must be a power of two.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketSize, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPacketSize, 65_000);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetransmissionsPerFeedback);
        ArgumentOutOfRangeException.ThrowIfNegative(RetransmissionsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(SpeechLevelThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SpeechLevelThreshold, 127);
        ArgumentOutOfRangeException.ThrowIfLessThan(DominanceMargin, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SpeechBucket, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SpeechWindow, SpeechBucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SpeechWindow / SpeechBucket, 200.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SustainedSpeech, SpeechWindow);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReportInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeyframeRequestInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinRetransmissionInterval, TimeSpan.Zero);
    }

    internal long ToTicks(TimeSpan span) => (long)((Int128)span.Ticks * Clock.TicksPerSecond / TimeSpan.TicksPerSecond);

    private static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
