namespace Appliance.Media.Sfu;

/// <summary>
/// Where the router's packets go: the transport protects each one under the destination's SRTP/SRTCP context
/// and sends it. Called on the router's thread, synchronously, once per packet.
/// </summary>
/// <remarks>
/// The span is the router's scratch buffer and is overwritten by the next call: copy what you need before
/// returning, and never keep the span.
/// </remarks>
public interface IRtpOutput
{
    /// <summary>Sends one plaintext RTP packet to <paramref name="recipient"/>.</summary>
    void SendRtp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtp);

    /// <summary>Sends one plaintext RTCP compound packet to <paramref name="recipient"/>.</summary>
    void SendRtcp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtcp);
}
