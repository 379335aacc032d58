namespace Appliance.Media.Transport;

/// <summary>
/// What the media plane does with the media it receives: the SFU's forwarding logic, plugged into a
/// <see cref="MediaServer"/>. Every method is called on the server's one receive thread, never concurrently,
/// and is the only place from which <see cref="MediaPeer.SendRtp"/> and <see cref="MediaPeer.SendRtcp"/> may
/// be called.
/// </summary>
/// <remarks>
/// <para>These methods are on the per-packet path: they must not block, must not allocate in the steady
/// state, and should not throw (an exception is counted as <see cref="MediaCounter.UnexpectedErrors"/>,
/// reported to <see cref="MediaServerOptions.UnexpectedError"/>, and the packet is lost).</para>
/// <para>Timestamps are <see cref="TimeProvider.GetTimestamp"/> values of the server's time provider.</para>
/// </remarks>
public interface IMediaHandler
{
    /// <summary>
    /// An authenticated, decrypted RTP packet from <paramref name="from"/>. The span is the server's receive
    /// buffer: valid only during the call, and free to be rewritten in place (e.g. the SSRC or sequence number
    /// per subscriber) before each <see cref="MediaPeer.SendRtp"/>, which copies it.
    /// </summary>
    void OnRtp(MediaPeer from, Span<byte> packet, long nowTicks);

    /// <summary>An authenticated, decrypted RTCP compound packet from <paramref name="from"/>; the span as in <see cref="OnRtp"/>.</summary>
    void OnRtcp(MediaPeer from, Span<byte> compound, long nowTicks);

    /// <summary>ICE and DTLS are done: <paramref name="peer"/> can receive and send media from now on.</summary>
    void OnPeerConnected(MediaPeer peer);

    /// <summary>
    /// <paramref name="peer"/> has left, whether or not it ever connected; called once per peer. Its sends
    /// fail from now on; drop every reference to it.
    /// </summary>
    void OnPeerDisconnected(MediaPeer peer, PeerCloseReason reason);

    /// <summary>Called about every <see cref="MediaServerOptions.TickInterval"/>, for timers: reports, NACK and key-frame timers, speaker detection.</summary>
    void OnTick(long nowTicks);
}
