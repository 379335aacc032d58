namespace Appliance.Media.Sdp;

/// <summary>
/// One codec of an m-section as we offer it: its payload type and a=rtpmap, a=fmtp and a=rtcp-fb lines,
/// and optionally the payload type of its RTX retransmission stream (RFC 4588), which is offered right
/// after it as "rtx/&lt;clock rate&gt;" with "apt=&lt;payload type&gt;".
/// </summary>
public sealed record SdpCodec
{
    /// <summary>A codec; see <see cref="SdpCodecs"/> for the ones we offer.</summary>
    /// <param name="payloadType">A dynamic payload type: 96 to 127, or 35 to 63 (RFC 5761 §4 keeps 64 to 95 free for RTCP).</param>
    /// <param name="name">The encoding name as a=rtpmap writes it, e.g. "opus", "VP8", "H264".</param>
    /// <param name="clockRate">The RTP clock rate in Hz.</param>
    /// <param name="channels">Audio channels written after the clock rate; 0 for video (nothing written).</param>
    /// <param name="formatParameters">The a=fmtp parameters, or null for none.</param>
    /// <param name="feedback">The a=rtcp-fb values, e.g. "nack", "nack pli", "ccm fir", "goog-remb".</param>
    /// <param name="rtxPayloadType">The payload type of its RTX stream, or null for none.</param>
    /// <exception cref="ArgumentException">A value the SDP grammar or the payload type ranges do not allow.</exception>
    public SdpCodec(
        int payloadType,
        string name,
        int clockRate,
        int channels,
        string? formatParameters,
        IReadOnlyList<string> feedback,
        int? rtxPayloadType = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(feedback);
        if (!IsDynamicPayloadType(payloadType))
        {
            throw new ArgumentOutOfRangeException(nameof(payloadType), payloadType, "Must be 35 to 63 or 96 to 127.");
        }

        if (rtxPayloadType is { } rtx && (!IsDynamicPayloadType(rtx) || rtx == payloadType))
        {
            throw new ArgumentOutOfRangeException(nameof(rtxPayloadType), rtx, "Must be another dynamic payload type.");
        }

        if (!SdpSyntax.IsToken(name, 32) || name.Contains('/', StringComparison.Ordinal)
            || string.Equals(name, Rtx, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Must be an encoding name other than rtx.", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 8);
        if (formatParameters is not null
            && (!SdpSyntax.IsVisibleText(formatParameters) || formatParameters.Trim() != formatParameters))
        {
            throw new ArgumentException("Must be visible ASCII without leading or trailing spaces.", nameof(formatParameters));
        }

        foreach (var value in feedback)
        {
            if (value is null || !value.Split(' ').All(part => SdpSyntax.IsToken(part)))
            {
                throw new ArgumentException("Each value is one or more tokens separated by single spaces.", nameof(feedback));
            }
        }

        PayloadType = payloadType;
        Name = name;
        ClockRate = clockRate;
        Channels = channels;
        FormatParameters = formatParameters;
        Feedback = feedback.ToArray();
        RtxPayloadType = rtxPayloadType;
    }

    /// <summary>The encoding name of retransmission streams (RFC 4588 §8.6).</summary>
    public const string Rtx = "rtx";

    /// <summary>The payload type.</summary>
    public int PayloadType { get; }

    /// <summary>The encoding name as a=rtpmap writes it.</summary>
    public string Name { get; }

    /// <summary>The RTP clock rate in Hz.</summary>
    public int ClockRate { get; }

    /// <summary>Audio channels; 0 for video.</summary>
    public int Channels { get; }

    /// <summary>The a=fmtp parameters, or null.</summary>
    public string? FormatParameters { get; }

    /// <summary>The a=rtcp-fb values.</summary>
    public IReadOnlyList<string> Feedback { get; }

    /// <summary>The payload type of the RTX stream, or null.</summary>
    public int? RtxPayloadType { get; }

    /// <summary>"name/clock" or "name/clock/channels", as after the payload type in a=rtpmap.</summary>
    public string RtpMap => Channels > 0 ? $"{Name}/{ClockRate}/{Channels}" : $"{Name}/{ClockRate}";

    /// <summary>Whether this is an allowed payload type for a codec we offer.</summary>
    public static bool IsDynamicPayloadType(int payloadType) =>
        payloadType is (>= 96 and <= 127) or (>= 35 and <= 63);
}

/// <summary>The codecs the appliance offers, with the payload types Chrome itself uses for them.</summary>
public static class SdpCodecs
{
    /// <summary>The RTCP feedback we offer for video: REMB, FIR, NACK and PLI. transport-cc is not offered
    /// until the forwarding path does congestion control (DESIGN.md, Media plane).</summary>
    public static IReadOnlyList<string> VideoFeedback { get; } = ["goog-remb", "ccm fir", "nack", "nack pli"];

    /// <summary>Opus (RFC 7587): 111, opus/48000/2, in-band FEC, 10 ms minimum packet time, no RTCP feedback.</summary>
    public static SdpCodec Opus { get; } = new(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", []);

    /// <summary>VP8 (RFC 7741): 96, with RTX on 97.</summary>
    public static SdpCodec Vp8 { get; } = new(96, "VP8", 90000, 0, null, VideoFeedback, 97);

    /// <summary>H.264 constrained baseline level 3.1, packetization mode 1 (RFC 6184): 102, with RTX on 103.</summary>
    public static SdpCodec H264 { get; } = new(
        102, "H264", 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", VideoFeedback, 103);

    /// <summary>What an audio m-section offers unless told otherwise: Opus only.</summary>
    public static IReadOnlyList<SdpCodec> DefaultAudio { get; } = [Opus];

    /// <summary>What a video m-section offers unless told otherwise: VP8 first, H.264 second.</summary>
    public static IReadOnlyList<SdpCodec> DefaultVideo { get; } = [Vp8, H264];

    /// <summary>The default codecs of a media kind.</summary>
    public static IReadOnlyList<SdpCodec> DefaultFor(SdpMediaKind kind) => kind switch
    {
        SdpMediaKind.Audio => DefaultAudio,
        SdpMediaKind.Video => DefaultVideo,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a media kind."),
    };
}
