namespace Appliance.Media;

/// <summary>The transport of an ICE candidate (RFC 8839 §5.1).</summary>
public enum CandidateProtocol
{
    /// <summary>UDP, the media port every peer shares.</summary>
    Udp,

    /// <summary>TCP with RFC 4571 framing, passive (RFC 6544): the server listens, the browser connects.</summary>
    Tcp,
}
