namespace Appliance.Media.Sfu;

/// <summary>What a published track carries; each kind goes to its own kind of slot at the subscribers.</summary>
public enum TrackKind
{
    /// <summary>A microphone: forwarded to every other participant, and the source of speaker detection.</summary>
    Audio,

    /// <summary>A camera: forwarded to subscribers whose last-N video slots show this participant.</summary>
    Video,

    /// <summary>A shared screen: forwarded to every other participant's screen slot.</summary>
    Screen,
}

/// <summary>
/// One track a participant sends, as its SDP answer describes it. A participant publishes at most one track of
/// each kind.
/// </summary>
/// <param name="Kind">Audio, camera video or screen.</param>
/// <param name="Ssrc">The media SSRC.</param>
/// <param name="PayloadType">
/// The codec's payload type: <see cref="SfuOptions.OpusPayloadType"/> for audio,
/// <see cref="SfuOptions.Vp8PayloadType"/> or <see cref="SfuOptions.H264PayloadType"/> for video and screen.
/// </param>
/// <param name="RtxSsrc">The RFC 4588 retransmission SSRC (video and screen only), when the publisher has one.</param>
/// <param name="AudioLevelExtensionId">
/// The one-byte extension id of the RFC 6464 audio level (audio only); 0 when the publisher does not send it.
/// </param>
public readonly record struct PublishedTrack(
    TrackKind Kind,
    uint Ssrc,
    int PayloadType,
    uint? RtxSsrc = null,
    int AudioLevelExtensionId = SfuOptions.AudioLevelExtensionId);

/// <summary>The outcome of <see cref="SfuRouter.SetPublication"/>; anything but <see cref="Accepted"/> changes nothing.</summary>
public enum PublicationResult
{
    /// <summary>The participant now publishes exactly the given tracks.</summary>
    Accepted,

    /// <summary>No such participant (never added, or removed).</summary>
    UnknownParticipant,

    /// <summary>Two tracks of the same kind.</summary>
    DuplicateKind,

    /// <summary>
    /// An SSRC is used twice in the publication, or is already used by another participant or by one of the
    /// router's own outgoing streams. Subscribers could not tell the streams apart.
    /// </summary>
    SsrcInUse,

    /// <summary>The payload type is not one this router forwards for that kind (see <see cref="SfuOptions"/>).</summary>
    UnsupportedPayloadType,

    /// <summary>An RTX SSRC on audio, or an audio-level extension id outside 0 to 14.</summary>
    InvalidTrack,
}
