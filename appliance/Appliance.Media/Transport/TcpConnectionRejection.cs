using System.Net;

namespace Appliance.Media.Transport;

/// <summary>Why the media server closed an ICE-TCP connection that had not earned a place.</summary>
public enum TcpRejectionReason
{
    /// <summary><see cref="MediaServerOptions.MaxPendingTcpConnections"/> connections were already waiting for their first frame.</summary>
    TooManyPending,

    /// <summary>
    /// Its source already had <see cref="MediaServerOptions.MaxPendingTcpConnectionsPerSource"/> connections waiting for
    /// their first frame. Reported once while the source stays at its limit; each refusal is counted.
    /// </summary>
    TooManyPendingFromSource,

    /// <summary>The peer already had <see cref="MediaServerOptions.MaxTcpConnectionsPerPeer"/> connections.</summary>
    TooManyForPeer,

    /// <summary>The first frame was not a Binding request with a known ufrag, valid MESSAGE-INTEGRITY and FINGERPRINT.</summary>
    NotAValidCheck,

    /// <summary>A frame length of 0 or above the maximum datagram size, or the stream ended inside a frame.</summary>
    FramingError,

    /// <summary>No valid check within <see cref="MediaServerOptions.TcpAuthenticationTimeout"/>.</summary>
    AuthenticationTimeout,
}

/// <summary>An ICE-TCP connection the media server closed, for the operational log: where it came from and why, nothing more.</summary>
/// <param name="Remote">The connecting address and port.</param>
/// <param name="Reason">Why it was closed.</param>
public sealed record TcpConnectionRejection(IPEndPoint Remote, TcpRejectionReason Reason);
