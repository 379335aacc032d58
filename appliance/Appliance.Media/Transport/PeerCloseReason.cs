namespace Appliance.Media.Transport;

/// <summary>Why a <see cref="MediaPeer"/> left the media server.</summary>
public enum PeerCloseReason
{
    /// <summary>The signalling layer removed it (<see cref="MediaServer.RemovePeer"/>): hang-up, kick, meeting end.</summary>
    Removed,

    /// <summary>No valid ICE check within the consent timeout (RFC 7675): the peer went away without a word.</summary>
    ConsentExpired,

    /// <summary>The DTLS handshake failed (see <see cref="MediaPeer.DtlsFailure"/>), or the association broke later.</summary>
    DtlsFailed,

    /// <summary>The peer closed its DTLS association (close_notify): it is leaving.</summary>
    ClosedByPeer,

    /// <summary>The media server was disposed.</summary>
    ServerStopped,
}

/// <summary>Where a <see cref="MediaPeer"/> is in its life.</summary>
public enum MediaPeerState
{
    /// <summary>Added; waiting for ICE checks and the DTLS ClientHello.</summary>
    New,

    /// <summary>The DTLS handshake is running.</summary>
    Connecting,

    /// <summary>SRTP keys are in place: media flows.</summary>
    Connected,

    /// <summary>Gone; see <see cref="MediaPeer.Closed"/> for why.</summary>
    Closed,
}
