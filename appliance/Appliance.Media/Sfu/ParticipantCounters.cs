namespace Appliance.Media.Sfu;

/// <summary>What the router did with one participant's packets and for that participant, since it joined.</summary>
/// <param name="RtpReceived">RTP packets accepted from the participant (media and RTX).</param>
/// <param name="RtpSent">Forwarded RTP packets sent to the participant (retransmissions not included).</param>
/// <param name="RtxSent">Retransmissions (RTX) sent to the participant in answer to its NACKs.</param>
/// <param name="DroppedMalformed">RTP packets from the participant that were not valid RTP.</param>
/// <param name="DroppedUnknownSsrc">RTP packets on an SSRC the participant does not publish.</param>
/// <param name="DroppedPayloadType">RTP packets whose payload type is not the one published for that SSRC.</param>
/// <param name="DroppedOversized">RTP packets longer than <see cref="SfuOptions.MaxPacketSize"/>.</param>
/// <param name="DroppedPaddingOnly">RTX packets without an original packet in them (bandwidth probes).</param>
/// <param name="HeldForKeyframe">Packets of this publisher not sent to a slot that waits for its key frame.</param>
/// <param name="RtcpReceived">RTCP packets (inside compounds) read from the participant.</param>
/// <param name="RtcpMalformed">RTCP compounds from the participant that were malformed (packets before the fault are used).</param>
/// <param name="SenderReportsReceived">SRs about the participant's own streams.</param>
/// <param name="KeyframeRequestsReceived">PLI/FIR from the participant about one of its slots.</param>
/// <param name="KeyframeRequestsSent">PLI/FIR sent to the participant as a publisher.</param>
/// <param name="KeyframeRequestsSuppressed">Keyframe requests to the participant dropped by the rate limit.</param>
/// <param name="NackedPacketsServed">Packets the participant NACKed that were retransmitted.</param>
/// <param name="NackedPacketsMissed">Packets the participant NACKed that the router no longer had.</param>
/// <param name="NackedPacketsThrottled">Packets NACKed again too soon, or over the per-feedback limit.</param>
/// <param name="NacksForwarded">NACKs sent upstream to the publishers on this participant's behalf.</param>
/// <param name="SenderReportsSent">SRs sent to the participant about its slots.</param>
/// <param name="ReceiverReportsSent">RRs sent to the participant about its published streams.</param>
public readonly record struct ParticipantCounters(
    long RtpReceived,
    long RtpSent,
    long RtxSent,
    long DroppedMalformed,
    long DroppedUnknownSsrc,
    long DroppedPayloadType,
    long DroppedOversized,
    long DroppedPaddingOnly,
    long HeldForKeyframe,
    long RtcpReceived,
    long RtcpMalformed,
    long SenderReportsReceived,
    long KeyframeRequestsReceived,
    long KeyframeRequestsSent,
    long KeyframeRequestsSuppressed,
    long NackedPacketsServed,
    long NackedPacketsMissed,
    long NackedPacketsThrottled,
    long NacksForwarded,
    long SenderReportsSent,
    long ReceiverReportsSent);
