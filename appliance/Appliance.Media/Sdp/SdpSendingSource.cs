namespace Appliance.Media.Sdp;

/// <summary>
/// What the appliance announces for an m-section it sends on (RFC 5576, RFC 8830): the SSRC it will use
/// towards this browser, the RTX SSRC for video with retransmission, the CNAME, and the msid (stream id
/// and track id) under which the browser's ontrack shows the media.
/// </summary>
public sealed record SdpSendingSource
{
    /// <summary>A sending source.</summary>
    /// <param name="ssrc">The media SSRC.</param>
    /// <param name="rtxSsrc">The RTX SSRC (a=ssrc-group:FID), or null when the section has no RTX codec.</param>
    /// <param name="cname">The RTCP CNAME: 1 to 64 token characters.</param>
    /// <param name="streamId">The msid stream id: 1 to 64 token characters ("-" for none).</param>
    /// <param name="trackId">The msid track id: 1 to 64 token characters.</param>
    /// <exception cref="ArgumentException">A value of the wrong form, or the RTX SSRC equals the media SSRC.</exception>
    public SdpSendingSource(uint ssrc, uint? rtxSsrc, string cname, string streamId, string trackId)
    {
        if (rtxSsrc == ssrc)
        {
            throw new ArgumentException("The RTX SSRC must differ from the media SSRC.", nameof(rtxSsrc));
        }

        if (!SdpSyntax.IsToken(cname, 64))
        {
            throw new ArgumentException("Must be 1 to 64 token characters.", nameof(cname));
        }

        if (!SdpSyntax.IsToken(streamId, SdpSyntax.MaxMsidLength))
        {
            throw new ArgumentException("Must be 1 to 64 token characters.", nameof(streamId));
        }

        if (!SdpSyntax.IsToken(trackId, SdpSyntax.MaxMsidLength))
        {
            throw new ArgumentException("Must be 1 to 64 token characters.", nameof(trackId));
        }

        Ssrc = ssrc;
        RtxSsrc = rtxSsrc;
        Cname = cname;
        StreamId = streamId;
        TrackId = trackId;
    }

    /// <summary>The media SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>The RTX SSRC, or null.</summary>
    public uint? RtxSsrc { get; }

    /// <summary>The RTCP CNAME.</summary>
    public string Cname { get; }

    /// <summary>The msid stream id.</summary>
    public string StreamId { get; }

    /// <summary>The msid track id.</summary>
    public string TrackId { get; }
}
