namespace Appliance.Media.Sdp;

/// <summary>
/// One m-section of our offer. <see cref="Direction"/> is the appliance's: <see cref="SdpDirection.RecvOnly"/>
/// for a track the browser publishes, <see cref="SdpDirection.SendOnly"/> for a slot the appliance forwards
/// into, <see cref="SdpDirection.Inactive"/> for a retired slot. An m-section is never removed from later
/// offers (JSEP, RFC 9429 §5.2.2): it is retired (inactive, still bundled) or rejected (port 0), and a
/// rejected one may be recycled for a new track under a new mid.
/// </summary>
public sealed record SdpOfferSection
{
    /// <summary>The identification tag (a=mid): 1 to 16 letters and digits, unique in the session.</summary>
    public required string Mid { get; init; }

    /// <summary>Audio or video.</summary>
    public required SdpMediaKind Kind { get; init; }

    /// <summary>The appliance's direction.</summary>
    public required SdpDirection Direction { get; init; }

    /// <summary>Rejected: port 0, left out of BUNDLE, direction inactive (RFC 3264 §8.2, JSEP §5.2.2).</summary>
    public bool IsRejected { get; init; }

    /// <summary>The codecs in order of preference.</summary>
    public required IReadOnlyList<SdpCodec> Codecs { get; init; }

    /// <summary>The RTP header extensions.</summary>
    public required IReadOnlyList<SdpHeaderExtension> HeaderExtensions { get; init; }

    /// <summary>What the appliance sends: required exactly when <see cref="Direction"/> sends.</summary>
    public SdpSendingSource? Source { get; init; }

    /// <summary>An m-section on which the appliance receives the browser's own track (mic, camera, screen),
    /// with the default codecs and header extensions of its kind.</summary>
    public static SdpOfferSection Receive(string mid, SdpMediaKind kind) => new()
    {
        Mid = mid,
        Kind = kind,
        Direction = SdpDirection.RecvOnly,
        Codecs = SdpCodecs.DefaultFor(kind),
        HeaderExtensions = SdpHeaderExtensions.DefaultFor(kind),
    };

    /// <summary>An m-section on which the appliance sends to the browser (a forwarding slot),
    /// with the default codecs and header extensions of its kind.</summary>
    public static SdpOfferSection Send(string mid, SdpMediaKind kind, SdpSendingSource source) => new()
    {
        Mid = mid,
        Kind = kind,
        Direction = SdpDirection.SendOnly,
        Codecs = SdpCodecs.DefaultFor(kind),
        HeaderExtensions = SdpHeaderExtensions.DefaultFor(kind),
        Source = source,
    };

    /// <summary>This m-section retired: inactive, no source, still bundled, so it can be revived later.</summary>
    public SdpOfferSection Retire() => this with { Direction = SdpDirection.Inactive, Source = null };

    /// <summary>This m-section rejected: port 0 and out of BUNDLE; its position may be recycled for a new mid.</summary>
    public SdpOfferSection Reject() => this with { Direction = SdpDirection.Inactive, Source = null, IsRejected = true };

    /// <summary>Every way this section breaks the rules of <see cref="SdpWriter"/>; empty when it is fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var at = $"m-section {Mid}";
        if (!IsValidMid(Mid))
        {
            problems.Add($"m-section mid '{Mid}': must be 1 to {SdpSyntax.MaxMidLength} ASCII letters and digits.");
        }

        if (!Enum.IsDefined(Kind) || !Enum.IsDefined(Direction))
        {
            problems.Add($"{at}: unknown media kind or direction.");
        }

        if (IsRejected && Direction != SdpDirection.Inactive)
        {
            problems.Add($"{at}: a rejected m-section is inactive.");
        }

        if (Direction.Sends() != Source is not null)
        {
            problems.Add($"{at}: a source is given exactly when the appliance sends ({Direction.ToAttribute()}).");
        }

        ValidateCodecs(problems, at);
        ValidateHeaderExtensions(problems, at);
        return problems;
    }

    /// <summary>Whether a mid is one we write: 1 to 16 ASCII letters and digits.</summary>
    public static bool IsValidMid(string? mid) =>
        mid is { Length: > 0 and <= SdpSyntax.MaxMidLength } && mid.All(char.IsAsciiLetterOrDigit);

    private void ValidateCodecs(List<string> problems, string at)
    {
        if (Codecs is null || Codecs.Count == 0)
        {
            problems.Add($"{at}: offers no codec.");
            return;
        }

        var payloadTypes = new HashSet<int>();
        var hasRtx = false;
        foreach (var codec in Codecs)
        {
            if (codec is null)
            {
                problems.Add($"{at}: a codec is null.");
                continue;
            }

            if ((Kind == SdpMediaKind.Audio) != (codec.Channels > 0))
            {
                problems.Add($"{at}: {codec.Name} has {codec.Channels} channels; audio codecs have 1 or more, video codecs none.");
            }

            if (!payloadTypes.Add(codec.PayloadType))
            {
                problems.Add($"{at}: payload type {codec.PayloadType} is used twice.");
            }

            if (codec.RtxPayloadType is { } rtx)
            {
                hasRtx = true;
                if (!payloadTypes.Add(rtx))
                {
                    problems.Add($"{at}: payload type {rtx} is used twice.");
                }
            }
        }

        if (Source is { } source && hasRtx != source.RtxSsrc.HasValue)
        {
            problems.Add($"{at}: an RTX SSRC is given exactly when a codec has RTX.");
        }
    }

    private void ValidateHeaderExtensions(List<string> problems, string at)
    {
        if (HeaderExtensions is null)
        {
            problems.Add($"{at}: header extensions are null.");
            return;
        }

        var ids = new HashSet<int>();
        var uris = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in HeaderExtensions)
        {
            if (extension is null)
            {
                problems.Add($"{at}: a header extension is null.");
                continue;
            }

            // One-byte elements only (RFC 8285 §4.2): 15 is reserved, and two-byte ids would force the
            // two-byte form on every packet that carries them.
            if (extension.Id > 14)
            {
                problems.Add($"{at}: header extension id {extension.Id} is outside 1 to 14.");
            }

            if (!ids.Add(extension.Id) || !uris.Add(extension.Uri))
            {
                problems.Add($"{at}: header extension id {extension.Id} or its URI is used twice.");
            }
        }
    }
}
