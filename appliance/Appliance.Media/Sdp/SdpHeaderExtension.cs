namespace Appliance.Media.Sdp;

/// <summary>
/// An RTP header extension negotiated with a=extmap (RFC 8285 §5): its local identifier and its URI.
/// We offer identifiers 1 to 14 only, so that every packet can use the one-byte form.
/// </summary>
public sealed record SdpHeaderExtension
{
    /// <summary>An extension with an identifier from 1 to 255 (256 and up are not used by browsers).</summary>
    /// <exception cref="ArgumentException">The identifier is out of range or the URI is empty or has spaces.</exception>
    public SdpHeaderExtension(int id, string uri)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, 255);
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsUri(uri))
        {
            throw new ArgumentException("Must be a URI without spaces.", nameof(uri));
        }

        Id = id;
        Uri = uri;
    }

    /// <summary>The local identifier (the ID field in each RTP packet's extension element).</summary>
    public int Id { get; }

    /// <summary>The extension's URI.</summary>
    public string Uri { get; }

    // URIs may hold '/', ':' and '?' which are not token-chars; any visible ASCII without spaces will do.
    internal static bool IsUri(string? uri) =>
        uri is { Length: > 0 and <= 256 } && SdpSyntax.IsVisibleText(uri) && !uri.Contains(' ', StringComparison.Ordinal);
}

/// <summary>The header extensions the appliance offers, with fixed identifiers for every participant so
/// that forwarded packets need no identifier translation.</summary>
public static class SdpHeaderExtensions
{
    /// <summary>The URI of the client-to-mixer audio level extension (RFC 6464).</summary>
    public const string AudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>The URI of the MID extension (RFC 8843 §15.2), which tells bundled m-sections apart.</summary>
    public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>Audio level, identifier 1 (read for active-speaker and last-N).</summary>
    public static SdpHeaderExtension AudioLevel { get; } = new(1, AudioLevelUri);

    /// <summary>MID, identifier 3 (2 stays free for abs-send-time or transport-cc later).</summary>
    public static SdpHeaderExtension Mid { get; } = new(3, MidUri);

    /// <summary>What an audio m-section offers: audio level and MID.</summary>
    public static IReadOnlyList<SdpHeaderExtension> DefaultAudio { get; } = [AudioLevel, Mid];

    /// <summary>What a video m-section offers: MID.</summary>
    public static IReadOnlyList<SdpHeaderExtension> DefaultVideo { get; } = [Mid];

    /// <summary>The default header extensions of a media kind.</summary>
    public static IReadOnlyList<SdpHeaderExtension> DefaultFor(SdpMediaKind kind) => kind switch
    {
        SdpMediaKind.Audio => DefaultAudio,
        SdpMediaKind.Video => DefaultVideo,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a media kind."),
    };
}
