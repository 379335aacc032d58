using Appliance.Media.Ice;

namespace Appliance.Media.Sdp;

/// <summary>
/// A browser's answer to our offer, checked against it: the browser's ICE credentials and DTLS
/// fingerprint (one transport for all bundled m-sections), and per m-section what was negotiated.
/// </summary>
public sealed record SdpAnswer
{
    /// <summary>The browser's o= session id.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The browser's o= session version.</summary>
    public required ulong SessionVersion { get; init; }

    /// <summary>The browser's ICE ufrag and password (the remote credentials of the ICE-lite agent).</summary>
    public required IceCredentials Ice { get; init; }

    /// <summary>The fingerprint the browser's DTLS certificate must match.</summary>
    public required SdpFingerprint Fingerprint { get; init; }

    /// <summary>Whether the browser accepted a=extmap-allow-mixed: it may then send two-byte header extensions.</summary>
    public required bool ExtmapAllowMixed { get; init; }

    /// <summary>The mids of the answer's BUNDLE group, the tag first.</summary>
    public required IReadOnlyList<string> BundleMids { get; init; }

    /// <summary>The m-sections in offer order, one for each offered m-section.</summary>
    public required IReadOnlyList<SdpAnswerSection> Sections { get; init; }

    /// <summary>The m-section with this mid, or null.</summary>
    public SdpAnswerSection? FindSection(string mid) => Sections.FirstOrDefault(s => s.Mid == mid);
}

/// <summary>
/// What one m-section of the answer negotiated. <see cref="Direction"/> is the browser's: SendOnly means
/// the browser sends and the appliance receives.
/// </summary>
public sealed record SdpAnswerSection
{
    /// <summary>The position of the m-section, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The mid (the offered one; a rejected m-section may omit a=mid and still has it here).</summary>
    public required string Mid { get; init; }

    /// <summary>Audio or video.</summary>
    public required SdpMediaKind Kind { get; init; }

    /// <summary>Rejected by the browser (port 0), or offered rejected.</summary>
    public required bool IsRejected { get; init; }

    /// <summary>The browser's direction; <see cref="SdpDirection.Inactive"/> when rejected.</summary>
    public required SdpDirection Direction { get; init; }

    /// <summary>The payload types of the m= line in the browser's order; empty when rejected.</summary>
    public IReadOnlyList<int> PayloadTypes { get; init; } = [];

    /// <summary>The chosen media codec: the first non-RTX payload type; null when rejected. The browser sends
    /// with it, and the appliance sends with it (RFC 3264 §6.1: the answer's order is the preference).</summary>
    public int? PayloadType { get; init; }

    /// <summary>The RTX payload type of the chosen codec, when the browser accepted it.</summary>
    public int? RtxPayloadType { get; init; }

    /// <summary>The a=rtcp-fb values for the chosen codec (including those for "*").</summary>
    public IReadOnlyList<string> Feedback { get; init; } = [];

    /// <summary>The header extensions the browser accepted, with the offered identifiers.</summary>
    public IReadOnlyList<SdpHeaderExtension> HeaderExtensions { get; init; } = [];

    /// <summary>Whether the browser accepted reduced-size RTCP (RFC 5506).</summary>
    public bool RtcpReducedSize { get; init; }

    /// <summary>The browser's media SSRC, when it sends on this m-section.</summary>
    public uint? Ssrc { get; init; }

    /// <summary>The browser's RTX SSRC (a=ssrc-group:FID), when it sends with RTX.</summary>
    public uint? RtxSsrc { get; init; }

    /// <summary>The browser's RTCP CNAME, when it sends on this m-section.</summary>
    public string? Cname { get; init; }

    /// <summary>The msid stream id ("-" for none), when the browser sends on this m-section.</summary>
    public string? StreamId { get; init; }

    /// <summary>The msid track id, when the browser sends on this m-section and gave one.</summary>
    public string? TrackId { get; init; }

    /// <summary>Whether the browser sends media on this m-section.</summary>
    public bool BrowserSends => !IsRejected && Direction.Sends();

    /// <summary>Whether the browser receives media on this m-section.</summary>
    public bool BrowserReceives => !IsRejected && Direction.Receives();
}
