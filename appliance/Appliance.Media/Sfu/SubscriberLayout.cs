namespace Appliance.Media.Sfu;

/// <summary>
/// One outgoing stream the router sends a subscriber: the SDP layer describes it (an m-line or a recycled one,
/// with a=ssrc for <see cref="Ssrc"/> and, for video, an FID group with <see cref="RtxSsrc"/>).
/// </summary>
/// <param name="Id">
/// Stable for the slot's life at this subscriber: video slots are 0 to LastN - 1, the screen slot is LastN,
/// audio slots count up from LastN + 1 as publishers appear and are never reused.
/// </param>
/// <param name="Kind">Audio, video (a last-N slot) or screen.</param>
/// <param name="Ssrc">
/// The SSRC the subscriber receives: for audio the publisher's own audio SSRC (audio is forwarded unchanged),
/// for video and screen an SSRC the router chose for this slot, stable for the subscriber's session.
/// </param>
/// <param name="RtxSsrc">The slot's RTX SSRC (video and screen); null for audio.</param>
/// <param name="Source">
/// The participant the slot is assigned to show, or null for an empty slot. A video slot changes over at the new
/// source's next key frame, shortly after the assignment.
/// </param>
public readonly record struct OutgoingSlot(int Id, TrackKind Kind, uint Ssrc, uint? RtxSsrc, ParticipantKey? Source);

/// <summary>What one subscriber receives, as of <see cref="Version"/>.</summary>
/// <param name="Subscriber">Whose layout this is.</param>
/// <param name="Version">Increases whenever a slot appears, disappears, or changes source.</param>
/// <param name="StructureVersion">
/// Increases only when a slot appears or disappears (an audio slot as a publisher comes or goes): the changes that
/// need a new SDP offer. A video or screen slot that changes source keeps its SSRCs and needs none.
/// </param>
/// <param name="Slots">Video slots in id order, then the screen slot, then audio slots in id order.</param>
public sealed record SubscriberLayout(ParticipantKey Subscriber, long Version, long StructureVersion, IReadOnlyList<OutgoingSlot> Slots);
