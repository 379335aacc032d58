namespace Appliance.Media.Sfu;

/// <summary>
/// Sees the RTP payload of every media packet the router forwards (after SRTP, before the copies to subscribers), on
/// the receive thread. For tests that check what the appliance relays, such as that end-to-end encrypted meetings carry
/// SFrame only: never registered in production, and without one the router pays a null check per packet.
/// </summary>
/// <remarks>
/// Retransmissions (RTX) repeat payloads already seen and are not passed on. The payload span is valid only during
/// the call; an implementation copies what it keeps, and must be quick and thread-safe (one call per packet).
/// </remarks>
public interface IForwardingTap
{
    /// <summary>One forwarded packet of a publisher's track.</summary>
    /// <param name="from">The publisher's key in its conference.</param>
    /// <param name="kind">Audio, camera video or screen.</param>
    /// <param name="payloadType">The RTP payload type (111 Opus, 96 VP8, 102 H.264).</param>
    /// <param name="payload">The RTP payload: after the header and extensions, without padding.</param>
    void OnForward(ParticipantKey from, TrackKind kind, int payloadType, ReadOnlySpan<byte> payload);
}
