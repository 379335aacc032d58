using Appliance.Media.Sfu;

namespace Appliance.Media.Conference;

/// <summary>
/// What <see cref="ConferenceMedia"/> tells one participant's browser, through the signalling layer (its
/// WebSocket). One implementation per <see cref="MediaSession"/>, given to <see cref="ConferenceMedia.Join"/>.
/// </summary>
/// <remarks>
/// <para>Calls come on the thread pool, never on the media server's receive thread, one at a time and in order
/// per session (an offer always reaches the client before the slot labels that name its mids). A call that
/// blocks delays only this session's later calls, but it holds a pool thread: queue the message to the socket
/// rather than wait for the send. An exception is reported to <see cref="Transport.MediaServerOptions.UnexpectedError"/>
/// and does not stop later calls.</para>
/// <para>After <see cref="ConferenceMedia.Leave"/> returns, no further call starts. <see cref="MediaClosed"/> is
/// the last call of a session that ended by itself.</para>
/// </remarks>
public interface IMediaSignals
{
    /// <summary>
    /// A new SDP offer for the browser (<c>setRemoteDescription</c>, <c>createAnswer</c>); its answer goes to
    /// <see cref="ConferenceMedia.Answer"/> with the same <paramref name="revision"/>. At most one offer is
    /// awaiting an answer at a time: the next one is sent only after the answer to this one was accepted.
    /// </summary>
    /// <param name="sdp">The offer's text, CRLF line ends.</param>
    /// <param name="revision">1 for the first offer of the session, one more for each later one.</param>
    void SendOffer(string sdp, int revision);

    /// <summary>
    /// Who each slot m-section shows now, so that the client can label its tiles and audio elements: one entry
    /// per live slot section of the offers sent so far, in slot order (video slots, the screen slot, then audio).
    /// Sent after the first offer and whenever a source changes; no renegotiation is involved.
    /// </summary>
    void SendSlots(IReadOnlyList<SlotSource> slots);

    /// <summary>
    /// The conference's speaker order changed: every participant with media, most recently dominant speaker first,
    /// then those who have not spoken in join order; <paramref name="dominant"/> speaks now or spoke last (null
    /// before anyone has).
    /// </summary>
    void SendSpeakers(IReadOnlyList<string> participantIdsInOrder, string? dominant);

    /// <summary>
    /// The media connection ended without <see cref="ConferenceMedia.Leave"/>: the session is gone from the
    /// conference and its peer removed. To come back, the client needs a new RTCPeerConnection and a new
    /// <see cref="ConferenceMedia.Join"/>.
    /// </summary>
    void MediaClosed(MediaCloseReason reason);
}

/// <summary>What one slot m-section shows: for the client's tile labels.</summary>
/// <param name="Mid">The mid of the m-section, as in the offer (and the transceiver's mid in the browser).</param>
/// <param name="Kind">Audio (one other participant's microphone), Video (a last-N camera slot) or Screen.</param>
/// <param name="ParticipantId">
/// The participant whose media the slot carries, as given to <see cref="ConferenceMedia.Join"/>; null for an
/// empty slot. A video slot changes over at the new source's next key frame, shortly after this says so.
/// </param>
public sealed record SlotSource(string Mid, TrackKind Kind, string? ParticipantId);

/// <summary>Why a media session ended by itself (<see cref="IMediaSignals.MediaClosed"/>).</summary>
public enum MediaCloseReason
{
    /// <summary>No ICE consent check for 30 s (RFC 7675): the browser went away without a word.</summary>
    ConsentExpired,

    /// <summary>The DTLS handshake failed (for instance, a certificate that does not have the fingerprint given at join), or the association broke.</summary>
    DtlsFailed,

    /// <summary>The browser closed its DTLS association (close_notify): the PeerConnection was closed.</summary>
    ClosedByPeer,

    /// <summary>The media plane is shutting down.</summary>
    ServerStopped,

    /// <summary>
    /// The router refused what the answer publishes, typically an SSRC another participant already uses. The
    /// client should start again with a new PeerConnection (new SSRCs).
    /// </summary>
    PublicationRefused,

    /// <summary>The media server removed the peer for a reason of its own.</summary>
    Removed,
}
