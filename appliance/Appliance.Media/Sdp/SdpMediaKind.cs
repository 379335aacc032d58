namespace Appliance.Media.Sdp;

/// <summary>The media type of an m-section (the first field of its m= line).</summary>
public enum SdpMediaKind
{
    /// <summary>m=audio.</summary>
    Audio,

    /// <summary>m=video.</summary>
    Video,
}
